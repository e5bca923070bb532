/*
 * Fuzzes the history store's readers of outside input (common/history.c):
 *
 *  - the whole input as a groups CSV (history_groups_parse): what parses is
 *    sorted by host, without duplicates, and every host is found again;
 *  - the input's lines as the run objects of an evidence log, chained here
 *    (each gets the right "prev") so that they reach the run reader and the
 *    interval code, ingested two runs per transaction into a store in memory;
 *    a last line without its newline stays unread. Every complete line is
 *    counted once (stored, already stored or refused), or the ingest names
 *    the line it stopped at;
 *  - the reports' queries: every control in a status was seen by the run in
 *    force (since <= run time <= last seen), the controls of a run are in id
 *    order, the benchmark's top list is ordered and its counts add up.
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "digest.h"
#include "history.h"
#include "util.h"
#include "banned.h"

#define MAX_LINES 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[] = "/tmp/fuzz_history.XXXXXX";
static int fd = -1;

static void
remove_log(void)
{
	unlink(path);
}

static void
check_groups(const uint8_t *data, size_t size)
{
	struct history_groups g;
	struct errmsg e;
	size_t i;

	if (history_groups_parse(&g, (const char *)data, size, "groups 'fuzz'", &e) == 0) {
		for (i = 0; i < g.n; i++) {
			if (!g.v[i].host[0] || !g.v[i].group[0])
				abort();
			if (i && strcmp(g.v[i - 1].host, g.v[i].host) >= 0)
				abort();
			if (history_groups_find(&g, g.v[i].host) != g.v[i].group)
				abort();
		}
	} else if (strncmp(e.msg, "groups 'fuzz': ", 15) != 0) {
		abort();
	}
	history_groups_release(&g);
}

/* Writes the chained log of the input's lines; returns the number of complete lines. */
static size_t
write_log(const uint8_t *data, size_t size)
{
	char prev[DIGEST_HEX_LEN + 1] = "";
	const char *p = (const char *)data, *end = p + size, *nl;
	struct sbuf log, line;
	size_t complete = 0;

	sbuf_init(&log, 8u << 20);
	sbuf_init(&line, 4u << 20);
	while (p < end && complete < MAX_LINES) {
		nl = memchr(p, '\n', (size_t)(end - p));
		sbuf_reset(&line);
		sbuf_addf(&line, "{\"prev\":\"%s\",\"run\":", prev);
		sbuf_add(&line, p, nl ? (size_t)(nl - p) : (size_t)(end - p));
		sbuf_addch(&line, '}');
		sbuf_add(&log, line.buf, line.len);
		if (!nl)
			break;	/* the last line, left without its newline */
		sbuf_addch(&log, '\n');
		digest_sha256_hex(line.buf, line.len, prev);
		complete++;
		p = nl + 1;
	}
	if (ftruncate(fd, 0) == -1 || pwrite(fd, log.buf ? log.buf : "", log.len, 0) != (ssize_t)log.len)
		abort();
	sbuf_release(&log);
	sbuf_release(&line);
	return complete;
}

static void
check_status(struct history *h, long long at)
{
	struct history_status s;
	struct errmsg e;
	size_t i, j;

	if (history_status(h, at, NULL, NULL, &s, &e) == -1)
		abort();
	for (i = 0; i < s.n; i++) {
		const struct history_run *r = &s.runs[i];

		if (r->time > at || r->ncontrols == 0)
			abort();
		for (j = 0; j < r->ncontrols; j++) {
			const struct history_control *c = &r->controls[j];

			if (c->since > r->time || c->last_seen < r->time)
				abort();
			if (j && strcmp(r->controls[j - 1].id, c->id) >= 0)
				abort();	/* one interval per control holds a time */
		}
	}
	history_status_release(&s);
}

static void
check_bench(struct history *h, long long at)
{
	struct history_bench b;
	struct errmsg e;
	size_t i, j, sum;

	if (history_benchmark(h, at, (at & 1) != 0, &b, &e) == -1)
		abort();
	for (i = 0; i < b.ntop; i++) {
		if (i && b.top[i - 1].hosts < b.top[i].hosts)
			abort();
		for (sum = 0, j = 0; j < b.ngroups; j++)
			sum += b.top[i].per_group[j];
		if (sum != b.top[i].hosts || b.top[i].hosts == 0)
			abort();
	}
	if (b.ntop > HISTORY_BENCH_TOP)
		abort();
	history_bench_release(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct history_ingest_stats st;
	struct history_trend t;
	struct history *h;
	struct errmsg e;
	size_t complete;
	int rc;

	if (fd == -1) {
		if ((fd = mkstemp(path)) == -1)
			abort();
		atexit(remove_log);
	}
	check_groups(data, size);

	complete = write_log(data, size);
	if (history_open(&h, ":memory:", HISTORY_WRITE, &e) == -1)
		abort();
	history_set_batch(h, 2);
	rc = history_ingest_file(h, path, NULL, NULL, &st, &e);
	if (rc == 0 && (st.lines != complete || st.bad_line))
		abort();
	if (rc == -1 && (st.bad_line == 0 || st.bad_line > complete || st.lines != st.bad_line - 1))
		abort();
	if (st.stored + st.duplicate + st.refused != st.lines || st.late > st.stored)
		abort();
	/* the same file again: nothing new */
	if (history_ingest_file(h, path, NULL, NULL, &st, &e) != rc || st.stored != 0)
		abort();

	check_status(h, 1793491200LL);		/* 2026-11-01 */
	check_status(h, 253402300799LL);	/* 9999-12-31T23:59:59Z: the last known */
	check_bench(h, 253402300799LL);
	if (history_trend(h, 20393, 20395, NULL, &t, &e) == -1 || t.n != 3)
		abort();
	history_trend_release(&t);
	history_close(h);
	return 0;
}
