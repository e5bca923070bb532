/*
 * cyberbaseline history follow: Icinga 2's event stream into the history
 * store (docs/icinga-api.md).
 *
 * On every (re)connect, before the stream: the host groups (the group of a
 * run without --org), then each service's last check result (the stream has
 * no replay: a result produced while we were away is found there), then the
 * CheckResult events until the daemon goes away or a signal comes. Each
 * result has a key (host, service, execution start and end), so one seen
 * both ways is stored once. Runs are committed every --batch-seconds or
 * 1000 runs; SIGTERM and SIGINT commit and exit 0.
 *
 * Exit codes: 0 stopped by a signal; 1 the store failed, the API refused the
 * credentials or the certificate, or --max-retries attempts in a row failed;
 * 2 bad use (options, the credentials file).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "digest.h"
#include "follow.h"
#include "histsrc.h"
#include "history.h"
#include "icingaapi.h"
#include "json.h"
#include "util.h"
#include "banned.h"

#define COMMIT_RUNS 1000
#define GROUPS_EVERY_S 300
#define BACKOFF_MAX_S 30
#define DEFAULT_SERVICE_FILTER "match(\"baseline_*\", service.check_command)"
#define EVENT_FILTER "match(\"BASELINE *\", event.check_result.output)"

static volatile sig_atomic_t stop_flag;

static void
on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

struct follow {
	struct history *h;
	struct icingaapi_conn conn;
	char *source;			/* "icinga-api:URL" */
	const char *filter;
	const char *group_prefix;
	unsigned long batch_seconds;
	struct history_groups groups;
	struct timespec groups_at, committed_at;
	bool in_tx, store_failed;
	size_t pending;
	enum icingaapi_err query_rc;	/* the last results' query at connect */
	struct errmsg query_err;
	/* the summary */
	size_t events, stored, duplicate, late, skipped, refused, cut, queried, connects, commits;
	struct errmsg e;
};

static double
since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

static int
commit(struct follow *f)
{
	struct errmsg e;

	clock_gettime(CLOCK_MONOTONIC, &f->committed_at);
	if (!f->in_tx)
		return 0;
	f->in_tx = false;
	f->pending = 0;
	if (history_commit(f->h, &e) == -1) {
		fprintf(stderr, "cyberbaseline: %s\n", e.msg);
		f->store_failed = true;
		return -1;
	}
	f->commits++;
	return 0;
}

static void
store(struct follow *f, const struct histsrc_run *r)
{
	struct history_control_in *ctl;
	struct history_run_in in;
	enum history_stored how;
	struct errmsg e;
	bool refused;
	const char *group = NULL;

	if (f->store_failed)
		return;
	if (!f->in_tx) {
		if (history_begin(f->h, &e) == -1) {
			fprintf(stderr, "cyberbaseline: %s\n", e.msg);
			f->store_failed = true;
			return;
		}
		f->in_tx = true;
	}
	if (!r->org && r->icinga_host)
		group = history_groups_find(&f->groups, r->icinga_host);
	ctl = histsrc_run_view(r, &in);
	if (history_store_run(f->h, &in, group, f->source, 0, r->key, &how, &refused, &e) == -1) {
		if (refused) {
			f->refused++;
			fprintf(stderr, "cyberbaseline: %s!%s: %s\n", r->icinga_host ? r->icinga_host : "?",
				r->service ? r->service : "", e.msg);
		} else {
			fprintf(stderr, "cyberbaseline: %s\n", e.msg);
			history_rollback(f->h);
			f->in_tx = false;
			f->store_failed = true;
		}
		free(ctl);
		return;
	}
	free(ctl);
	f->stored += how != HISTORY_STORED_DUPLICATE;
	f->duplicate += how == HISTORY_STORED_DUPLICATE;
	f->late += how == HISTORY_STORED_LATE;
	if (r->cut && how != HISTORY_STORED_DUPLICATE && f->cut++ == 0)
		fprintf(stderr, "cyberbaseline: %s!%s: the output was cut and has no per-control "
			"perfdata: only the controls it shows are stored (use --perfdata-controls)\n",
			r->icinga_host ? r->icinga_host : "?", r->service ? r->service : "");
	if (++f->pending >= COMMIT_RUNS)
		commit(f);
}

/* The host groups, at connect and every GROUPS_EVERY_S. */
static enum icingaapi_err
refresh_groups(struct follow *f, struct errmsg *e)
{
	struct history_groups g;
	enum icingaapi_err rc;
	struct sbuf body;

	sbuf_init(&body, ICINGAAPI_MAX_BODY);
	rc = icingaapi_query(&f->conn, "/v1/objects/hosts", "{\"attrs\":[\"name\",\"groups\"]}",
			     &body, e);
	if (rc == ICINGAAPI_OK) {
		if (histsrc_icinga_hosts(body.buf ? body.buf : "", body.len, f->group_prefix, &g, e) ==
		    -1) {
			history_groups_release(&g);
			rc = ICINGAAPI_HTTP;
		} else {
			history_groups_release(&f->groups);
			f->groups = g;
		}
	}
	sbuf_release(&body);
	clock_gettime(CLOCK_MONOTONIC, &f->groups_at);
	return rc;
}

/* Each service's last check result: what happened while we were away. */
static enum icingaapi_err
query_services(struct follow *f, struct errmsg *e)
{
	struct histsrc_run *runs;
	size_t n, skipped, refused, i;
	enum icingaapi_err rc;
	struct sbuf body, req;
	struct errmsg pe;

	sbuf_init(&req, 64 * 1024);
	sbuf_addstr(&req, "{\"attrs\":[\"last_check_result\",\"host_name\",\"name\","
			  "\"check_command\"],\"filter\":");
	json_put_str(&req, f->filter);
	sbuf_addch(&req, '}');
	sbuf_init(&body, ICINGAAPI_MAX_BODY);
	rc = icingaapi_query(&f->conn, "/v1/objects/services", sbuf_str(&req), &body, e);
	sbuf_release(&req);
	if (rc != ICINGAAPI_OK) {
		sbuf_release(&body);
		return rc;
	}
	if (histsrc_icinga_services(body.buf ? body.buf : "", body.len, &runs, &n, &skipped, &refused,
				    &pe) == -1) {
		errmsg_set(e, "icinga api '%s': %s", f->conn.url, pe.msg);
		sbuf_release(&body);
		return ICINGAAPI_HTTP;
	}
	sbuf_release(&body);
	if (refused)
		fprintf(stderr, "cyberbaseline: %zu last check result%s not read, the first: %s\n",
			refused, refused == 1 ? "" : "s", pe.msg);
	f->refused += refused;
	f->queried += n;
	for (i = 0; i < n; i++) {
		store(f, &runs[i]);
		histsrc_run_release(&runs[i]);
	}
	free(runs);
	commit(f);
	return f->store_failed ? ICINGAAPI_STOPPED : ICINGAAPI_OK;
}

static bool connected_once;

/*
 * The event stream is registered: only now read each service's last result,
 * so that a result that comes between the two is in one or the other (or
 * both: its key stores it once), never in neither.
 */
static int
on_connected(void *ctx)
{
	struct follow *f = ctx;

	f->query_rc = query_services(f, &f->query_err);
	if (f->query_rc != ICINGAAPI_OK)
		return -1;
	f->connects++;
	connected_once = true;
	fprintf(stderr, "cyberbaseline: icinga api '%s': connected, reading events (%zu last "
		"results read so far)\n", f->conn.url, f->queried);
	return 0;
}

static int
on_line(void *ctx, const char *line, size_t len)
{
	struct follow *f = ctx;
	struct histsrc_run r;
	struct errmsg e;

	f->events++;
	histsrc_run_init(&r);
	if (histsrc_icinga_event(&r, line, len, &e) == -1) {
		f->refused++;
		fprintf(stderr, "cyberbaseline: %s\n", e.msg);
	} else if (!r.ours) {
		f->skipped++;
	} else {
		store(f, &r);
	}
	histsrc_run_release(&r);
	if (f->in_tx && since(&f->committed_at) >= (double)f->batch_seconds)
		commit(f);
	return f->store_failed ? -1 : 0;
}

static void
on_tick(void *ctx)
{
	struct follow *f = ctx;
	struct errmsg e;

	if (f->in_tx && since(&f->committed_at) >= (double)f->batch_seconds)
		commit(f);
	if (since(&f->groups_at) >= GROUPS_EVERY_S && refresh_groups(f, &e) != ICINGAAPI_OK)
		fprintf(stderr, "cyberbaseline: host groups not refreshed: %s\n", e.msg);
}

/* One connection: groups, last results, then the stream until it ends. */
static enum icingaapi_err
connect_once(struct follow *f, const char *event_body, struct errmsg *e)
{
	struct icingaapi_hooks hooks = { on_connected, on_line, on_tick, f };
	enum icingaapi_err rc;

	if ((rc = refresh_groups(f, e)) != ICINGAAPI_OK)
		return rc;
	f->query_rc = ICINGAAPI_OK;
	rc = icingaapi_stream(&f->conn, event_body, &hooks, e);
	commit(f);
	if (f->query_rc != ICINGAAPI_OK) {	/* the last results could not be read */
		*e = f->query_err;
		return f->query_rc;
	}
	return rc;
}

/* Sleeps s seconds or until a signal. */
static void
nap(unsigned s)
{
	struct timespec t = { (time_t)s, 0 };

	while (!stop_flag && nanosleep(&t, &t) == -1 && errno == EINTR)
		;
}

/* "cyberbaseline-<this host>-<8 hex of the database path>": stable, one per store. */
static char *
queue_name(const char *db)
{
	char host[256] = "", hex[DIGEST_HEX_LEN + 1], *abs = realpath(db, NULL), *q, *p;

	if (gethostname(host, sizeof(host) - 1) == -1 || !host[0])
		snprintf(host, sizeof(host), "localhost");
	digest_sha256_hex(abs ? abs : db, strlen(abs ? abs : db), hex);
	free(abs);
	hex[8] = '\0';
	q = xasprintf("cyberbaseline-%s-%s", host, hex);
	for (p = q; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '-' || *p == '.'))
			*p = '-';
	return q;
}

static const char usage_follow[] =
	"Usage: cyberbaseline history follow --icinga-api URL --api-credentials FILE [--ca FILE]\n"
	"         [--db FILE] [--filter EXPR] [--group-prefix P] [--batch-seconds N]\n"
	"         [--max-retries N]\n"
	"\n"
	"Reads Icinga 2's CheckResult events into the history store (docs/icinga-api.md).\n"
	"\n"
	"  --icinga-api=URL          the API, https://HOST:5665\n"
	"  --api-credentials=FILE    one line user:password, mode 0600 (not group/world readable)\n"
	"  --ca=FILE                 the CA of the API's certificate (default: the system's)\n"
	"  --db=FILE                 the history database (default: $CYBERBASELINE_DB, else\n"
	"                            /var/lib/cyberbaseline/history.db)\n"
	"  --filter=EXPR             the services whose last result is read at each connect\n"
	"                            (default: " DEFAULT_SERVICE_FILTER ")\n"
	"  --group-prefix=P          the group of a run without --org: its host's first host\n"
	"                            group (in byte order) that starts with P (default: any)\n"
	"  --batch-seconds=N         commit every N seconds (1-3600, default 2) or 1000 runs\n"
	"  --max-retries=N           give up (exit 1) after N failed connects in a row\n"
	"                            (default 0: retry for ever, every 1, 2, 4 ... 30 s)\n"
	"\n"
	"SIGTERM or SIGINT commits and exits 0. Exit 1: the store failed, the API refused\n"
	"the credentials or the certificate, or --max-retries was reached; 2: bad use.\n";

int
cmd_follow(int argc, char **argv)
{
	enum { O_API = 256, O_CRED, O_CA, O_DB, O_FILTER, O_PREFIX, O_BATCH, O_RETRIES };
	static const struct option longopts[] = {
		{ "icinga-api", required_argument, NULL, O_API },
		{ "api-credentials", required_argument, NULL, O_CRED },
		{ "ca", required_argument, NULL, O_CA },
		{ "db", required_argument, NULL, O_DB },
		{ "filter", required_argument, NULL, O_FILTER },
		{ "group-prefix", required_argument, NULL, O_PREFIX },
		{ "batch-seconds", required_argument, NULL, O_BATCH },
		{ "max-retries", required_argument, NULL, O_RETRIES },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *env = getenv("CYBERBASELINE_DB"), *cred = NULL, *db;
	unsigned long max_retries = 0, failures = 0;
	struct sigaction sa;
	struct follow f;
	struct errmsg e;
	struct sbuf ev;
	char *user = NULL, *password = NULL, *queue;
	unsigned delay = 1;
	int ch, rc = 0;
	struct timespec t0;

	memset(&f, 0, sizeof(f));
	db = env && *env ? env : "/var/lib/cyberbaseline/history.db";
	f.filter = DEFAULT_SERVICE_FILTER;
	f.batch_seconds = 2;
	f.conn.connect_timeout = 10;
	f.conn.idle_timeout = 120;
	f.conn.stop = &stop_flag;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h': fputs(usage_follow, stdout); return 0;
		case O_API: f.conn.url = optarg; break;
		case O_CRED: cred = optarg; break;
		case O_CA: f.conn.ca_file = optarg; break;
		case O_DB: db = optarg; break;
		case O_FILTER: f.filter = optarg; break;
		case O_PREFIX: f.group_prefix = optarg; break;
		case O_BATCH:
			if (parse_ulong(optarg, 1, 3600, &f.batch_seconds) == -1) {
				fprintf(stderr, "cyberbaseline: invalid --batch-seconds '%s' (1 to 3600)\n",
					optarg);
				return 2;
			}
			break;
		case O_RETRIES:
			if (parse_ulong(optarg, 0, 1000000, &max_retries) == -1) {
				fprintf(stderr, "cyberbaseline: invalid --max-retries '%s' (0 to 1000000)\n",
					optarg);
				return 2;
			}
			break;
		default: fputs(usage_follow, stderr); return 2;
		}
	}
	if (optind != argc || !f.conn.url || !cred) {
		fprintf(stderr, "cyberbaseline: history follow: %s\n", optind != argc ?
			"unexpected argument" : "--icinga-api and --api-credentials are required");
		fputs(usage_follow, stderr);
		return 2;
	}
	if (strncmp(f.conn.url, "https://", 8) != 0 || strlen(f.conn.url) > 2048 ||
	    strchr(f.conn.url + 8, '/')) {
		fprintf(stderr, "cyberbaseline: invalid --icinga-api '%s' (https://HOST:PORT, no path)\n",
			f.conn.url);
		return 2;
	}
	if (icingaapi_cred_load(cred, &user, &password, &e) == -1) {
		fprintf(stderr, "cyberbaseline: %s\n", e.msg);
		return 2;
	}
	f.conn.user = user;
	f.conn.password = password;
	if (icingaapi_global_init(&e) == -1 || history_open(&f.h, db, HISTORY_WRITE, &e) == -1) {
		fprintf(stderr, "cyberbaseline: %s\n", e.msg);
		icingaapi_cred_free(user, password);
		return 1;
	}
	f.source = xasprintf("icinga-api:%s", f.conn.url);
	queue = queue_name(db);
	sbuf_init(&ev, 64 * 1024);
	sbuf_addstr(&ev, "{\"types\":[\"CheckResult\"],\"queue\":");
	json_put_str(&ev, queue);
	sbuf_addstr(&ev, ",\"filter\":");
	json_put_str(&ev, EVENT_FILTER);
	sbuf_addch(&ev, '}');
	free(queue);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	clock_gettime(CLOCK_MONOTONIC, &f.committed_at);

	while (!stop_flag && !f.store_failed) {
		enum icingaapi_err r;

		connected_once = false;
		r = connect_once(&f, sbuf_str(&ev), &e);
		if (stop_flag || f.store_failed || r == ICINGAAPI_STOPPED)
			break;
		if (r == ICINGAAPI_AUTH || r == ICINGAAPI_TLS) {
			fprintf(stderr, "cyberbaseline: %s\n", e.msg);
			rc = 1;
			break;
		}
		if (connected_once) {
			failures = 0;
			delay = 1;
		}
		failures++;
		if (max_retries && failures > max_retries) {
			fprintf(stderr, "cyberbaseline: %s; giving up after %lu attempt%s\n", e.msg,
				failures, failures == 1 ? "" : "s");
			rc = 1;
			break;
		}
		fprintf(stderr, "cyberbaseline: %s; reconnecting in %u s\n", e.msg, delay);
		nap(delay);
		delay = delay * 2 > BACKOFF_MAX_S ? BACKOFF_MAX_S : delay * 2;
	}
	commit(&f);
	if (f.store_failed)
		rc = 1;
	fprintf(stderr, "cyberbaseline: follow %s: %.0f s, %zu connect%s, %zu event%s, %zu last "
		"result%s read at connect; %zu run%s stored, %zu already stored, %zu not ours, "
		"%zu refused, %zu commit%s\n", f.conn.url, since(&t0), f.connects,
		f.connects == 1 ? "" : "s", f.events, f.events == 1 ? "" : "s", f.queried,
		f.queried == 1 ? "" : "s", f.stored, f.stored == 1 ? "" : "s", f.duplicate, f.skipped,
		f.refused, f.commits, f.commits == 1 ? "" : "s");
	sbuf_release(&ev);
	free(f.source);
	history_groups_release(&f.groups);
	history_close(f.h);
	icingaapi_cred_free(user, password);
	icingaapi_global_cleanup();
	return rc;
}
