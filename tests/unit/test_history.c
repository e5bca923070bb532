/*
 * The history store: the interval model (merge, split, out-of-order runs, every
 * order of one set of runs), as-of queries at the edges, idempotent ingest,
 * resuming, a broken chain, a partial last line, refused runs, groups,
 * trend and benchmark. Evidence lines are made here, with times of our choice.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "digest.h"
#include "history.h"
#include "json.h"
#include "util.h"
#include "banned.h"

/* 2026-11-01T00:00:00Z: the times in the tables are minutes after it */
#define BASE 1793491200LL

static char dir[64];

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_history.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int
teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);

	(void)state;
	(void)!system(cmd);
	free(cmd);
	return 0;
}

/* ---- making evidence ------------------------------------------------------------ */

/* An evidence log being written: its text and the hash of its last line. */
struct log {
	struct sbuf text;
	char prev[DIGEST_HEX_LEN + 1];
};

static void
log_init(struct log *l)
{
	sbuf_init(&l->text, 64u << 20);
	l->prev[0] = '\0';
}

static void
log_add(struct log *l, const char *run)
{
	size_t start = l->text.len;

	sbuf_addf(&l->text, "{\"prev\":\"%s\",\"run\":%s}", l->prev, run);
	digest_sha256_hex(l->text.buf + start, l->text.len - start, l->prev);
	sbuf_addch(&l->text, '\n');
}

/*
 * The JSON of a run from a spec: "MIN [h=HOST] [f=FAMILY] [v=BASELINE-VERSION]
 * [c=COMPLIANCE] [org=ORG] [error] ID=RESULT[/OBSERVED][!JUSTIFICATION][^SEVERITY] ...".
 * MIN is minutes after BASE. Compliance defaults to (PASS + WAIVED) / (all - NA).
 */
static char *
run_json(const char *spec)
{
	char *copy = xstrdup(spec), *save = NULL, *tok, tbuf[32];
	const char *host = "web-01", *family = "host", *version = "2026.1", *org = NULL;
	struct sbuf ctl, out;
	int minutes = -1, comp = -1, pass = 0, all = 0;
	bool error = false;

	sbuf_init(&ctl, 1u << 20);
	sbuf_init(&out, 1u << 20);
	for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(tok, '='), *obs, *just, *sev;

		if (minutes < 0) {
			minutes = (int)strtol(tok, NULL, 10);
			continue;
		}
		if (strcmp(tok, "error") == 0) {
			error = true;
			continue;
		}
		assert_non_null(eq);
		*eq++ = '\0';
		if (strcmp(tok, "h") == 0) { host = eq; continue; }
		if (strcmp(tok, "f") == 0) { family = eq; continue; }
		if (strcmp(tok, "v") == 0) { version = eq; continue; }
		if (strcmp(tok, "org") == 0) { org = eq; continue; }
		if (strcmp(tok, "c") == 0) { comp = (int)strtol(eq, NULL, 10); continue; }
		sev = strchr(eq, '^');
		if (sev)
			*sev++ = '\0';
		just = strchr(eq, '!');
		if (just)
			*just++ = '\0';
		obs = strchr(eq, '/');
		if (obs)
			*obs++ = '\0';
		if (ctl.len)
			sbuf_addch(&ctl, ',');
		sbuf_addf(&ctl, "{\"id\":\"%s\",\"version\":1,\"result\":\"%s\",\"state\":\"%s\","
			  "\"severity\":\"%s\",\"title\":\"Title of %s\",\"observed\":\"%s\","
			  "\"expected\":\"x = ok\",\"reason\":null,\"waiver\":",
			  tok, eq, strcmp(eq, "FAIL") == 0 ? "CRITICAL" : "OK", sev ? sev : "critical",
			  tok, obs ? obs : "x=ok");
		if (just)
			sbuf_addf(&ctl, "{\"control\":\"%s\",\"host\":\"web-*\",\"justification\":\"%s\","
				  "\"approved_by\":\"CISO\",\"ticket\":\"SEC-1\",\"created\":\"2026-10-01\","
				  "\"expires\":\"2026-11-15\"}", tok, just);
		else
			sbuf_addstr(&ctl, "null");
		sbuf_addf(&ctl, ",\"hidden_result\":%s,\"hidden_state\":null,\"expired_waiver\":null}",
			  just ? "\"FAIL\"" : "null");
		all += strcmp(eq, "NA") != 0;
		pass += strcmp(eq, "PASS") == 0 || strcmp(eq, "WAIVED") == 0;
	}
	if (comp < 0)
		comp = all ? pass * 100 / all : 100;
	history_format_time(BASE + minutes * 60, tbuf);
	sbuf_addf(&out, "{\"format_version\":1,\"program\":\"check_baseline_%s\",\"plugin_version\":\"0.1.0\","
		  "\"check\":\"%s\",\"target\":\"%s\",\"host\":\"%s\",\"time\":\"%s\","
		  "\"state\":\"%s\",\"exit_code\":%d,\"summary\":\"s\",",
		  family, family, host, host, tbuf, error ? "UNKNOWN" : "OK", error ? 3 : 0);
	if (error)
		sbuf_addstr(&out, "\"baseline\":null,");
	else
		sbuf_addf(&out, "\"baseline\":{\"id\":\"dk-kommune\",\"version\":\"%s\",\"sha256\":\"ab\","
			  "\"path\":\"b.json\",\"profile\":\"basis\"},", version);
	sbuf_addstr(&out, "\"tailoring\":null,\"waivers\":null,\"counts\":{},");
	if (error)
		sbuf_addstr(&out, "\"compliance\":null,\"controls\":[],");
	else
		sbuf_addf(&out, "\"compliance\":%d,\"controls\":[%s],", comp, sbuf_str(&ctl));
	sbuf_addf(&out, "\"notes\":[],\"error\":%s",
		  error ? "\"cannot connect: connection refused\"" : "null");
	if (org)
		sbuf_addf(&out, ",\"org\":\"%s\"", org);
	sbuf_addch(&out, '}');
	sbuf_release(&ctl);
	free(copy);
	return sbuf_detach(&out);
}

static void
spit(const char *path, const char *data, size_t len, bool append)
{
	int fd = open(path, O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0640);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

/* A log file of the given run specs (NULL-terminated), in that order. */
static char *
make_log(const char *name, const char *const *specs)
{
	char *path = xasprintf("%s/%s", dir, name), *run;
	struct log l;

	log_init(&l);
	for (; *specs; specs++) {
		run = run_json(*specs);
		log_add(&l, run);
		free(run);
	}
	spit(path, l.text.buf ? l.text.buf : "", l.text.len, false);
	sbuf_release(&l.text);
	return path;
}

static struct history *
open_mem(void)
{
	struct history *h;
	struct errmsg e;

	if (history_open(&h, ":memory:", HISTORY_WRITE, &e) == -1)
		fail_msg("%s", e.msg);
	return h;
}

static void
ingest_ok(struct history *h, const char *path, struct history_ingest_stats *st)
{
	struct errmsg e;

	if (history_ingest_file(h, path, NULL, NULL, st, &e) == -1)
		fail_msg("ingest '%s': %s", path, e.msg);
}

/*
 * The intervals of the series web-01/host as "ID:RESULT@FROM-TO" (minutes),
 * "@FROM" when FROM = TO, ordered by control and time. Reads the store's file
 * through SQLite directly: the test looks at the schema as a user would.
 */
static char *
intervals_of(const char *dbpath, const char *host)
{
	static const char sql[] =
		"SELECT control, result, from_time, to_time FROM interval_view WHERE host = ?1 "
		"AND family = 'host' ORDER BY control, from_time";
	struct sbuf sb;
	sqlite3_stmt *q;
	sqlite3 *db;
	long long f, t;

	assert_int_equal(sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
	sqlite3_bind_text(q, 1, host, -1, SQLITE_STATIC);
	sbuf_init(&sb, 1u << 20);
	while (sqlite3_step(q) == SQLITE_ROW) {
		f = (sqlite3_column_int64(q, 2) - BASE) / 60;
		t = (sqlite3_column_int64(q, 3) - BASE) / 60;
		sbuf_addf(&sb, "%s%s:%s@%lld", sb.len ? " " : "", sqlite3_column_text(q, 0),
			  sqlite3_column_text(q, 1), f);
		if (t != f)
			sbuf_addf(&sb, "-%lld", t);
	}
	sqlite3_finalize(q);
	sqlite3_close(db);
	return sbuf_detach(&sb);
}

/* ---- the interval model -------------------------------------------------------- */

static const struct interval_row {
	const char *what;
	const char *runs[8];	/* in the order of the log */
	const char *want;
} interval_rows[] = {
	{ "one run", { "0 A=PASS B=FAIL" }, "A:PASS@0 B:FAIL@0" },
	{ "unchanged runs extend one interval", { "0 A=PASS", "10 A=PASS", "20 A=PASS" },
	  "A:PASS@0-20" },
	{ "a change of result starts a new interval",
	  { "0 A=PASS", "10 A=FAIL", "20 A=FAIL", "30 A=PASS" }, "A:PASS@0 A:FAIL@10-20 A:PASS@30" },
	{ "a change of observed value starts a new interval",
	  { "0 A=PASS/x=1", "10 A=PASS/x=1", "20 A=PASS/x=2" }, "A:PASS@0-10 A:PASS@20" },
	{ "a change of waiver starts a new interval",
	  { "0 A=WAIVED!first", "10 A=WAIVED!first", "20 A=WAIVED!second" },
	  "A:WAIVED@0-10 A:WAIVED@20" },
	{ "a new baseline version starts a new interval",
	  { "0 A=PASS", "10 v=2027.1 A=PASS" }, "A:PASS@0 A:PASS@10" },
	{ "a change of severity (a tailoring) starts a new interval",
	  { "0 A=FAIL", "10 A=FAIL^warning" }, "A:FAIL@0 A:FAIL@10" },
	{ "a run that evaluated nothing breaks no interval",
	  { "0 A=PASS", "10 error", "20 A=PASS" }, "A:PASS@0-20" },
	{ "a run without the control breaks no interval",
	  { "0 A=PASS B=PASS", "10 A=PASS", "20 A=PASS B=PASS" }, "A:PASS@0-20 B:PASS@0-20" },
	{ "another host is another series",
	  { "0 A=PASS", "10 h=web-02 A=FAIL", "20 A=PASS" }, "A:PASS@0-20" },
	{ "another family is another series",
	  { "0 A=PASS", "10 f=ssh A=FAIL", "20 A=PASS" }, "A:PASS@0-20" },
	{ "late run in a gap, same value as before: extends it",
	  { "0 A=PASS", "20 A=FAIL", "10 A=PASS" }, "A:PASS@0-10 A:FAIL@20" },
	{ "late run in a gap, same value as after: extends that back",
	  { "0 A=PASS", "20 A=FAIL", "10 A=FAIL" }, "A:PASS@0 A:FAIL@10-20" },
	{ "late run in a gap, a third value: a new interval",
	  { "0 A=PASS", "20 A=FAIL", "10 A=ERROR" }, "A:PASS@0 A:ERROR@10 A:FAIL@20" },
	{ "late run inside an interval, other value: splits it at the runs around it",
	  { "0 A=PASS", "10 A=PASS", "30 A=PASS", "40 A=PASS", "20 A=FAIL" },
	  "A:PASS@0-10 A:FAIL@20 A:PASS@30-40" },
	{ "late run inside an interval, same value: nothing changes",
	  { "0 A=PASS", "30 A=PASS", "20 A=PASS" }, "A:PASS@0-30" },
	{ "late run before everything, same value",
	  { "10 A=PASS", "20 A=PASS", "0 A=PASS" }, "A:PASS@0-20" },
	{ "late run before everything, other value",
	  { "10 A=PASS", "0 A=FAIL" }, "A:FAIL@0 A:PASS@10" },
	{ "late run at an interval's first second, other value: takes that second",
	  { "0 A=PASS", "10 A=FAIL", "20 A=FAIL", "10 A=ERROR" },
	  "A:PASS@0 A:ERROR@10 A:FAIL@20" },
	{ "two runs in one second: the one read later decides, and the stretches join",
	  { "0 A=PASS", "10 A=FAIL", "20 A=PASS", "10 A=PASS" }, "A:PASS@0-20" },
	{ "two runs in one second, in order: the later one decides that second",
	  { "0 A=PASS", "10 A=PASS", "10 A=FAIL" }, "A:PASS@0 A:FAIL@10" },
	{ "late run that evaluated nothing changes nothing",
	  { "0 A=PASS", "20 A=FAIL", "10 error" }, "A:PASS@0 A:FAIL@20" },
};

static void
test_intervals(void **state)
{
	char *path, *dbpath = xasprintf("%s/intervals.db", dir), *got;
	struct history_ingest_stats st;
	struct history *h;
	struct errmsg e;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(interval_rows); i++) {
		const struct interval_row *row = &interval_rows[i];

		unlink(dbpath);
		path = make_log("intervals.jsonl", row->runs);
		if (history_open(&h, dbpath, HISTORY_WRITE, &e) == -1)
			fail_msg("%s", e.msg);
		ingest_ok(h, path, &st);
		history_close(h);
		got = intervals_of(dbpath, "web-01");
		if (strcmp(got, row->want) != 0)
			fail_msg("%s: got '%s', want '%s'", row->what, got, row->want);
		free(got);
		free(path);
	}
	free(dbpath);
}

/* Swaps to the next permutation of a[0..n) in lexical order; false after the last. */
static bool
next_perm(int *a, int n)
{
	int i = n - 2, j = n - 1, t;

	while (i >= 0 && a[i] >= a[i + 1])
		i--;
	if (i < 0)
		return false;
	while (a[j] <= a[i])
		j--;
	t = a[i], a[i] = a[j], a[j] = t;
	for (i++, j = n - 1; i < j; i++, j--)
		t = a[i], a[i] = a[j], a[j] = t;
	return true;
}

/* Every order of one set of runs gives the intervals of the ordered log. */
static void
test_every_order(void **state)
{
	static const char *const runs[] = {
		"0 A=PASS B=FAIL", "10 A=PASS B=FAIL", "20 A=FAIL B=FAIL",
		"30 A=FAIL B=PASS", "35 error", "40 A=PASS B=PASS",
	};
	const char *want = "A:PASS@0-10 A:FAIL@20-30 A:PASS@40 B:FAIL@0-20 B:PASS@30-40";
	char *dbpath = xasprintf("%s/order.db", dir), *path, *got;
	const char *specs[NELEM(runs) + 1];
	int perm[NELEM(runs)], orders = 0;
	struct history_ingest_stats st;
	struct history *h;
	struct errmsg e;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(runs); i++)
		perm[i] = (int)i;
	do {
		for (i = 0; i < NELEM(runs); i++)
			specs[i] = runs[perm[i]];
		specs[NELEM(runs)] = NULL;
		path = make_log("order.jsonl", specs);
		unlink(dbpath);
		if (history_open(&h, dbpath, HISTORY_WRITE, &e) == -1)
			fail_msg("%s", e.msg);
		history_set_batch(h, 2);
		ingest_ok(h, path, &st);
		assert_int_equal(st.stored, NELEM(runs));
		history_close(h);
		got = intervals_of(dbpath, "web-01");
		if (strcmp(got, want) != 0)
			fail_msg("order %d %d %d %d %d %d: got '%s'", perm[0], perm[1], perm[2],
				 perm[3], perm[4], perm[5], got);
		free(got);
		free(path);
		orders++;
	} while (next_perm(perm, (int)NELEM(runs)));
	assert_int_equal(orders, 720);
	free(dbpath);
}

/* ---- ingest: idempotence, resuming, broken chains, partial lines ----------------- */

static void
test_idempotent(void **state)
{
	static const char *const runs[] = { "0 A=PASS", "10 A=FAIL", "20 A=FAIL", NULL };
	char *path = make_log("idem.jsonl", runs), *copy = xasprintf("%s/copy.jsonl", dir);
	char *dbpath = xasprintf("%s/idem.db", dir), *before, *after, *data;
	struct history_ingest_stats st;
	struct history *h;
	struct errmsg e;
	size_t len;

	(void)state;
	unlink(dbpath);
	assert_int_equal(history_open(&h, dbpath, HISTORY_WRITE, &e), 0);
	ingest_ok(h, path, &st);
	assert_int_equal(st.lines, 3);
	assert_int_equal(st.stored, 3);
	assert_int_equal(st.late, 0);
	assert_false(st.partial);
	history_close(h);
	before = intervals_of(dbpath, "web-01");

	/* the same file again: resumes at its end */
	assert_int_equal(history_open(&h, dbpath, HISTORY_WRITE, &e), 0);
	ingest_ok(h, path, &st);
	assert_int_equal(st.lines, 0);
	assert_int_equal(st.stored, 0);
	assert_int_equal(st.bytes, 0);
	/* a copy under another name: read whole, nothing new */
	assert_int_equal(util_read_file(path, "log", 1u << 20, &data, &len, &e), 0);
	spit(copy, data, len, false);
	free(data);
	ingest_ok(h, copy, &st);
	assert_int_equal(st.lines, 3);
	assert_int_equal(st.stored, 0);
	assert_int_equal(st.duplicate, 3);
	history_close(h);
	after = intervals_of(dbpath, "web-01");
	assert_string_equal(before, after);
	assert_string_equal(after, "A:PASS@0 A:FAIL@10-20");
	free(before);
	free(after);
	free(path);
	free(copy);
	free(dbpath);
}

static void
test_broken_chain(void **state)
{
	static const char *const runs[] = { "0 A=PASS", "10 A=PASS", "20 A=FAIL", "30 A=FAIL",
					    NULL };
	char *path = make_log("broken.jsonl", runs), *data, *line3;
	struct history_ingest_stats st;
	struct history *h = open_mem();
	struct errmsg e;
	size_t len;

	(void)state;
	/* change line 2 ("10" becomes "11" minutes): line 3's prev no longer matches */
	assert_int_equal(util_read_file(path, "log", 1u << 20, &data, &len, &e), 0);
	line3 = strstr(data, "2026-11-01T00:10:00Z");
	assert_non_null(line3);
	line3[15] = '1';
	spit(path, data, len, false);
	free(data);

	assert_int_equal(history_ingest_file(h, path, NULL, NULL, &st, &e), -1);
	assert_string_equal(e.msg, "line 3: prev does not match line 2");
	assert_int_equal(st.lines, 2);
	assert_int_equal(st.stored, 2);
	/* again: the lines before the break are not taken twice, the break is reported again */
	assert_int_equal(history_ingest_file(h, path, NULL, NULL, &st, &e), -1);
	assert_string_equal(e.msg, "line 3: prev does not match line 2");
	assert_int_equal(st.stored, 0);
	assert_int_equal(st.lines, 0);
	history_close(h);
	free(path);
}

static void
test_partial_line(void **state)
{
	static const char *const runs[] = { "0 A=PASS", "10 A=FAIL", "20 A=FAIL", NULL };
	char *path = make_log("partial.jsonl", runs), *data;
	struct history_ingest_stats st;
	struct history *h = open_mem();
	struct errmsg e;
	size_t len, cut;

	(void)state;
	assert_int_equal(util_read_file(path, "log", 1u << 20, &data, &len, &e), 0);
	cut = len - 100;	/* in the middle of line 3 */
	spit(path, data, cut, false);
	ingest_ok(h, path, &st);
	assert_int_equal(st.stored, 2);
	assert_true(st.partial);
	ingest_ok(h, path, &st);	/* nothing new yet */
	assert_int_equal(st.stored, 0);
	assert_true(st.partial);
	spit(path, data + cut, len - cut, true);	/* the writer finishes the line */
	ingest_ok(h, path, &st);
	assert_int_equal(st.lines, 1);
	assert_int_equal(st.stored, 1);
	assert_false(st.partial);
	free(data);
	history_close(h);
	free(path);
}

/* A rotated log is found by its inode; a replaced one is read from the start. */
static void
test_rotation(void **state)
{
	static const char *const old_runs[] = { "0 A=PASS", "10 A=FAIL", NULL };
	static const char *const new_runs[] = { "20 A=FAIL", NULL };
	char *path = make_log("rot.jsonl", old_runs), *rotated = xasprintf("%s/rot.jsonl.1", dir);
	struct history_ingest_stats st;
	struct history *h = open_mem();

	(void)state;
	ingest_ok(h, path, &st);
	assert_int_equal(st.stored, 2);
	assert_int_equal(rename(path, rotated), 0);
	free(path);
	path = make_log("rot.jsonl", new_runs);
	ingest_ok(h, rotated, &st);	/* same inode: resumes at the end */
	assert_int_equal(st.lines, 0);
	assert_false(st.restarted);
	ingest_ok(h, path, &st);	/* a new file at a known path */
	assert_true(st.restarted);
	assert_int_equal(st.lines, 1);
	assert_int_equal(st.stored, 1);
	ingest_ok(h, path, &st);
	assert_false(st.restarted);
	assert_int_equal(st.lines, 0);
	history_close(h);
	free(path);
	free(rotated);
}

static void
collect_warning(void *ctx, const char *msg)
{
	struct sbuf *sb = ctx;

	sbuf_addf(sb, "%s\n", msg);
}

/* Lines in the chain whose run is unusable are counted, warned about, and passed. */
static const struct refuse_row {
	const char *run;
	const char *warning;
} refuse_rows[] = {
	{ "{\"check\":\"host\",\"time\":\"2026-11-01T00:00:00Z\"}", "line 1: run not stored: no host" },
	{ "{\"host\":\"\",\"check\":\"host\",\"time\":\"2026-11-01T00:00:00Z\"}",
	  "line 1: run not stored: host is empty" },
	{ "{\"host\":\"a\",\"check\":\"host\",\"time\":\"2026-11-01 00:00:00\"}",
	  "line 1: run not stored: time '2026-11-01 00:00:00' is not YYYY-MM-DDTHH:MM:SSZ" },
	{ "{\"host\":\"a\",\"check\":\"host\",\"time\":\"2026-02-30T00:00:00Z\"}",
	  "line 1: run not stored: time '2026-02-30T00:00:00Z' is not YYYY-MM-DDTHH:MM:SSZ" },
	{ "{\"host\":7,\"check\":\"host\",\"time\":\"2026-11-01T00:00:00Z\"}",
	  "line 1: run not stored: host is not a string" },
	{ "{\"host\":\"a\",\"check\":\"host\",\"time\":\"2026-11-01T00:00:00Z\",\"compliance\":101}",
	  "line 1: run not stored: compliance 101 outside 0..100" },
	{ "{\"host\":\"a\",\"check\":\"host\",\"time\":\"2026-11-01T00:00:00Z\",\"controls\":{}}",
	  "line 1: run not stored: controls is not an array" },
	{ "{\"host\":\"a\",\"check\":\"host\",\"time\":\"2026-11-01T00:00:00Z\",\"controls\":[{\"id\":\"A\",\"result\":\"MAYBE\"}]}",
	  "line 1: run not stored: control A: unknown result 'MAYBE'" },
	{ "{\"host\":\"a\",\"check\":\"host\",\"time\":\"2026-11-01T00:00:00Z\",\"controls\":[{\"result\":\"PASS\"}]}",
	  "line 1: run not stored: no id (control without id)" },
	{ "{\"host\":\"a\",\"check\":\"host\",\"time\":\"2026-11-01T00:00:00Z\",\"controls\":[{\"id\":\"A\",\"result\":\"PASS\",\"waiver\":\"yes\"}]}",
	  "line 1: run not stored: control A: waiver is not an object" },
};

static void
test_refused(void **state)
{
	char *path = xasprintf("%s/refused.jsonl", dir), *good = run_json("10 A=PASS");
	struct history_ingest_hooks hooks = { .warn = collect_warning };
	struct history_ingest_stats st;
	struct history *h;
	struct sbuf warnings;
	struct errmsg e;
	struct log l;
	size_t i;
	char *want;

	(void)state;
	for (i = 0; i < NELEM(refuse_rows); i++) {
		h = open_mem();
		log_init(&l);
		log_add(&l, refuse_rows[i].run);
		log_add(&l, good);
		spit(path, l.text.buf, l.text.len, false);
		sbuf_init(&warnings, 4096);
		hooks.ctx = &warnings;
		if (history_ingest_file(h, path, NULL, &hooks, &st, &e) == -1)
			fail_msg("row %zu: %s", i, e.msg);
		assert_int_equal(st.lines, 2);
		assert_int_equal(st.refused, 1);
		assert_int_equal(st.stored, 1);
		want = xasprintf("%s\n", refuse_rows[i].warning);
		assert_string_equal(sbuf_str(&warnings), want);
		free(want);
		sbuf_release(&warnings);
		sbuf_release(&l.text);
		history_close(h);
	}
	free(good);
	free(path);
}

/* Lines that end reading: the chain or the JSON itself is broken. */
static const struct stop_row {
	const char *line2;	/* written as is after one good line */
	const char *msg;
} stop_rows[] = {
	{ "not json\n", "line 2: not valid JSON" },
	{ "[1,2]\n", "line 2: not a JSON object" },
	{ "{\"prev\":\"\",\"run\":{}}\n", "line 2: prev does not match line 1" },
	{ "{\"prev\":\"PREV\",\"run\":{},\"x\":1}\n", "line 2: unknown key 'x'" },
	{ "{\"prev\":\"PREV\"}\n", "line 2: run missing or not an object" },
};

static void
test_stops(void **state)
{
	char *path = xasprintf("%s/stop.jsonl", dir), *good = run_json("0 A=PASS");
	const char *p, *at;
	struct history_ingest_stats st;
	struct history *h;
	struct errmsg e;
	struct log l;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(stop_rows); i++) {
		h = open_mem();
		log_init(&l);
		log_add(&l, good);
		/* PREV stands for the real hash of line 1 */
		p = stop_rows[i].line2;
		if ((at = strstr(p, "PREV"))) {
			sbuf_add(&l.text, p, (size_t)(at - p));
			sbuf_addstr(&l.text, l.prev);
			sbuf_addstr(&l.text, at + 4);
		} else {
			sbuf_addstr(&l.text, p);
		}
		spit(path, l.text.buf, l.text.len, false);
		assert_int_equal(history_ingest_file(h, path, NULL, NULL, &st, &e), -1);
		assert_string_equal(e.msg, stop_rows[i].msg);
		assert_int_equal(st.stored, 1);
		sbuf_release(&l.text);
		history_close(h);
	}
	free(good);
	free(path);
}

/* The first line must start the chain. */
static void
test_first_line(void **state)
{
	char *path = xasprintf("%s/first.jsonl", dir), *run = run_json("0 A=PASS"), *text;
	struct history_ingest_stats st;
	struct history *h = open_mem();
	struct errmsg e;

	(void)state;
	text = xasprintf("{\"prev\":\"%064d\",\"run\":%s}\n", 0, run);
	spit(path, text, strlen(text), false);
	assert_int_equal(history_ingest_file(h, path, NULL, NULL, &st, &e), -1);
	assert_string_equal(e.msg, "line 1: prev is not empty (the first line of a log)");
	assert_int_equal(st.stored, 0);
	history_close(h);
	free(text);
	free(run);
	free(path);
}

/* Files we do not read. */
static void
test_unreadable(void **state)
{
	char *link = xasprintf("%s/link.jsonl", dir), *missing = xasprintf("%s/missing.jsonl", dir);
	char *want;
	struct history_ingest_stats st;
	struct history *h = open_mem();
	struct errmsg e;

	(void)state;
	assert_int_equal(symlink("/etc/passwd", link), 0);
	assert_int_equal(history_ingest_file(h, link, NULL, NULL, &st, &e), -1);
	want = xasprintf("cannot read evidence '%s': is a symbolic link", link);
	assert_string_equal(e.msg, want);
	free(want);
	assert_int_equal(history_ingest_file(h, missing, NULL, NULL, &st, &e), -1);
	want = xasprintf("cannot read evidence '%s': No such file or directory", missing);
	assert_string_equal(e.msg, want);
	free(want);
	assert_int_equal(history_ingest_file(h, dir, NULL, NULL, &st, &e), -1);
	want = xasprintf("cannot read evidence '%s': not a regular file", dir);
	assert_string_equal(e.msg, want);
	free(want);
	history_close(h);
	free(link);
	free(missing);
}

static void
test_open(void **state)
{
	char *missing = xasprintf("%s/none.db", dir), *junk = xasprintf("%s/junk.db", dir);
	char *want;
	struct history *h;
	struct errmsg e;

	(void)state;
	assert_int_equal(history_open(&h, missing, HISTORY_READ, &e), -1);
	assert_null(h);
	want = xasprintf("cannot open history '%s': No such file or directory", missing);
	assert_string_equal(e.msg, want);
	free(want);
	spit(junk, "not a database, not at all, for sure", 36, false);
	assert_int_equal(history_open(&h, junk, HISTORY_READ, &e), -1);
	assert_non_null(strstr(e.msg, "not a history database"));
	/* a read-only store refuses an ingest */
	assert_int_equal(history_open(&h, missing, HISTORY_WRITE, &e), 0);
	history_close(h);
	assert_int_equal(history_open(&h, missing, HISTORY_READ, &e), 0);
	{
		struct history_ingest_stats st;

		assert_int_equal(history_ingest_file(h, junk, NULL, NULL, &st, &e), -1);
		want = xasprintf("history '%s': opened read-only", missing);
		assert_string_equal(e.msg, want);
		free(want);
	}
	history_close(h);
	history_close(NULL);
	free(missing);
	free(junk);
}

/* ---- time and groups ------------------------------------------------------------ */

static const struct time_row {
	const char *in;
	bool date_end;
	int rc;
	long long want;
} time_rows[] = {
	{ "2026-11-01T00:00:00Z", false, 0, BASE },
	{ "2026-11-01T23:59:59Z", false, 0, BASE + 86399 },
	{ "2026-11-01", true, 0, BASE + 86399 },
	{ "2026-11-01", false, -1, 0 },
	{ "1970-01-01T00:00:00Z", false, 0, 0 },
	{ "2028-02-29T12:00:00Z", false, 0, 1835438400LL },
	{ "2027-02-29T12:00:00Z", false, -1, 0 },
	{ "2026-11-01T24:00:00Z", false, -1, 0 },
	{ "2026-11-01T10:60:00Z", false, -1, 0 },
	{ "2026-11-01T10:00:60Z", false, -1, 0 },
	{ "2026-11-01T10:00:00", false, -1, 0 },
	{ "2026-11-01T10:00:00+01:00", false, -1, 0 },
	{ "2026-11-01 10:00:00Z", false, -1, 0 },
	{ "2026-11-1", true, -1, 0 },
	{ "", true, -1, 0 },
	{ "yesterday", true, -1, 0 },
};

static void
test_time(void **state)
{
	long long t;
	char buf[32];
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(time_rows); i++) {
		t = -1;
		if (history_parse_time(time_rows[i].in, time_rows[i].date_end, &t) !=
		    time_rows[i].rc)
			fail_msg("'%s': rc", time_rows[i].in);
		if (time_rows[i].rc == 0 && t != time_rows[i].want)
			fail_msg("'%s': %lld, want %lld", time_rows[i].in, t, time_rows[i].want);
	}
	history_format_time(BASE + 3723, buf);
	assert_string_equal(buf, "2026-11-01T01:02:03Z");
}

static const struct groups_row {
	const char *csv;
	const char *want;	/* "host=group;..." sorted by host, or the error */
} groups_rows[] = {
	{ "web-01,Aarhus\nweb-02,Odense\n", "web-01=Aarhus;web-02=Odense;" },
	{ "host,group\nweb-01,Aarhus\n", "web-01=Aarhus;" },
	{ "\xef\xbb\xbfhost,group\r\nweb-01,Aarhus\r\n", "web-01=Aarhus;" },
	{ "# hosts of the region\n\nweb-02,Odense\nweb-01,Aarhus", "web-01=Aarhus;web-02=Odense;" },
	{ " web-01 , Lyngby-Taarbæk Kommune \n", "web-01=Lyngby-Taarbæk Kommune;" },
	{ "web-01,\"Kommune, Nord\"\n", "web-01=Kommune, Nord;" },
	{ "web-01,\"Say \"\"hi\"\"\"\n", "web-01=Say \"hi\";" },
	{ "", "" },
	{ "web-01\n", "groups 't.csv': line 1: expected two fields (host,group)" },
	{ "web-01,a,b\n", "groups 't.csv': line 1: more than two fields (host,group)" },
	{ "web-01,a\nweb-01,b\n", "groups 't.csv': host 'web-01' listed twice" },
	{ ",a\n", "groups 't.csv': line 1: empty host" },
	{ "web-01,\n", "groups 't.csv': line 1: empty group" },
	{ "web-01,\"open\n", "groups 't.csv': line 1: unterminated quote" },
	{ "web-01,\"a\"b\n", "groups 't.csv': line 1: text after a closing quote" },
	{ "web-01,a\"b\n", "groups 't.csv': line 1: a quote inside an unquoted field" },
	{ "a,b\nweb-01,x\ry\n", "groups 't.csv': line 2: a carriage return inside the line" },
	{ "web-01,a\x01\n", "groups 't.csv': line 1: a control character in a field" },
};

static void
test_groups(void **state)
{
	struct history_groups g;
	struct errmsg e;
	struct sbuf sb;
	size_t i, j;
	char *big;

	(void)state;
	for (i = 0; i < NELEM(groups_rows); i++) {
		sbuf_init(&sb, 4096);
		if (history_groups_parse(&g, groups_rows[i].csv, strlen(groups_rows[i].csv),
					 "groups 't.csv'", &e) == -1)
			sbuf_addstr(&sb, e.msg);
		else
			for (j = 0; j < g.n; j++)
				sbuf_addf(&sb, "%s=%s;", g.v[j].host, g.v[j].group);
		if (strcmp(sbuf_str(&sb), groups_rows[i].want) != 0)
			fail_msg("row %zu: got '%s', want '%s'", i, sbuf_str(&sb), groups_rows[i].want);
		history_groups_release(&g);
		sbuf_release(&sb);
	}
	assert_int_equal(history_groups_parse(&g, "b,2\na,1\n", 8, "g", &e), 0);
	assert_string_equal(history_groups_find(&g, "a"), "1");
	assert_string_equal(history_groups_find(&g, "b"), "2");
	assert_null(history_groups_find(&g, "c"));
	assert_null(history_groups_find(NULL, "a"));
	history_groups_release(&g);
	/* the cap on a field */
	big = xmalloc(HISTORY_GROUPS_MAX_FIELD + 10);
	memset(big, 'x', HISTORY_GROUPS_MAX_FIELD + 1);
	memcpy(big + HISTORY_GROUPS_MAX_FIELD + 1, ",a\n", 4);
	assert_int_equal(history_groups_parse(&g, big, strlen(big), "g", &e), -1);
	assert_string_equal(e.msg, "g: line 1: field longer than 255 bytes");
	history_groups_release(&g);
	free(big);
}

/* ---- status: as of a time -------------------------------------------------------- */

static struct history *
store_of(const char *name, const char *const *runs, const struct history_groups *g)
{
	char *path = make_log(name, runs);
	struct history_ingest_stats st;
	struct history *h = open_mem();
	struct errmsg e;

	if (history_ingest_file(h, path, g, NULL, &st, &e) == -1)
		fail_msg("%s", e.msg);
	free(path);
	return h;
}

/* The status of web-01/host at a time as "RUNMIN: ID=RESULT@SINCE ...", or "none". */
static char *
status_at(struct history *h, long long at)
{
	struct history_status s;
	struct errmsg e;
	struct sbuf sb;
	size_t i, j;

	if (history_status(h, at, NULL, NULL, &s, &e) == -1)
		fail_msg("%s", e.msg);
	sbuf_init(&sb, 4096);
	for (i = 0; i < s.n; i++) {
		const struct history_run *r = &s.runs[i];

		sbuf_addf(&sb, "%s%s/%s %lld:", i ? "; " : "", r->host, r->family,
			  (r->time - BASE) / 60);
		for (j = 0; j < r->ncontrols; j++)
			sbuf_addf(&sb, " %s=%s@%lld", r->controls[j].id, r->controls[j].result,
				  (r->controls[j].since - BASE) / 60);
		if (r->unevaluated_time)
			sbuf_addf(&sb, " (then nothing at %lld)", (r->unevaluated_time - BASE) / 60);
	}
	history_status_release(&s);
	if (!sb.len)
		sbuf_addstr(&sb, "none");
	return sbuf_detach(&sb);
}

static const struct asof_row {
	long long at;		/* seconds after BASE */
	const char *want;
} asof_rows[] = {
	{ -1, "none" },				/* before the first run */
	{ 0, "web-01/host 0: A=PASS@0 B=FAIL@0" },	/* at the first run's second */
	{ 599, "web-01/host 0: A=PASS@0 B=FAIL@0" },	/* a second before the next */
	{ 600, "web-01/host 10: A=FAIL@10 B=FAIL@0" },
	{ 1199, "web-01/host 10: A=FAIL@10 B=FAIL@0" },
	/* 20: a run that evaluated nothing; the last that did is in force */
	{ 1200, "web-01/host 10: A=FAIL@10 B=FAIL@0 (then nothing at 20)" },
	/* 30: B left the profile; only what that run saw */
	{ 1800, "web-01/host 30: A=FAIL@10" },
	{ 86400 * 400, "web-01/host 30: A=FAIL@10" },	/* long after: the last known */
};

static void
test_as_of(void **state)
{
	static const char *const runs[] = { "0 A=PASS B=FAIL", "10 A=FAIL B=FAIL", "20 error",
					    "30 A=FAIL", NULL };
	struct history *h = store_of("asof.jsonl", runs, NULL);
	char *got;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(asof_rows); i++) {
		got = status_at(h, BASE + asof_rows[i].at);
		if (strcmp(got, asof_rows[i].want) != 0)
			fail_msg("at +%lld: got '%s', want '%s'", asof_rows[i].at, got,
				 asof_rows[i].want);
		free(got);
	}
	history_close(h);
}

static void
test_status_fields(void **state)
{
	static const char *const runs[] = {
		"0 A=WAIVED!Jump-hosts-need-MFA B=FAIL/x=1^warning",
		"10 h=db-01 org=Odense A=PASS",
		"20 f=ssh A=PASS",
		NULL,
	};
	struct history_groups g;
	struct history_status s;
	struct history *h;
	struct errmsg e;
	const struct history_control *c;

	(void)state;
	assert_int_equal(history_groups_parse(&g, "web-01,Aarhus\ndb-01,Aarhus\n", 27, "g", &e), 0);
	h = store_of("fields.jsonl", runs, &g);
	history_groups_release(&g);

	assert_int_equal(history_status(h, BASE + 86399, NULL, NULL, &s, &e), 0);
	assert_int_equal(s.n, 3);	/* db-01/host, web-01/host, web-01/ssh */
	assert_string_equal(s.runs[0].host, "db-01");
	assert_string_equal(s.runs[0].group, "Odense");	/* org beats the groups file */
	assert_string_equal(s.runs[1].host, "web-01");
	assert_string_equal(s.runs[1].family, "host");
	assert_string_equal(s.runs[1].group, "Aarhus");
	assert_string_equal(s.runs[1].baseline_id, "dk-kommune");
	assert_string_equal(s.runs[1].baseline_version, "2026.1");
	assert_string_equal(s.runs[1].profile, "basis");
	assert_int_equal(s.runs[1].compliance, 50);
	assert_int_equal(s.runs[1].ncontrols, 2);
	c = &s.runs[1].controls[0];
	assert_string_equal(c->id, "A");
	assert_string_equal(c->result, "WAIVED");
	assert_string_equal(c->hidden_result, "FAIL");
	assert_non_null(c->waiver);
	assert_string_equal(c->waiver->justification, "Jump-hosts-need-MFA");
	assert_string_equal(c->waiver->approved_by, "CISO");
	assert_string_equal(c->waiver->ticket, "SEC-1");
	assert_string_equal(c->waiver->expires, "2026-11-15");
	assert_false(c->waiver_expired);	/* asked on 2026-11-01 */
	assert_string_equal(c->waiver_json,
			    "{\"control\":\"A\",\"host\":\"web-*\",\"justification\":\"Jump-hosts-need-MFA\","
			    "\"approved_by\":\"CISO\",\"ticket\":\"SEC-1\",\"created\":\"2026-10-01\","
			    "\"expires\":\"2026-11-15\"}");
	c = &s.runs[1].controls[1];
	assert_string_equal(c->id, "B");
	assert_string_equal(c->severity, "warning");
	assert_string_equal(c->observed, "x=1");
	assert_string_equal(c->expected, "x = ok");
	assert_string_equal(c->title, "Title of B");
	assert_null(c->waiver);
	assert_string_equal(s.runs[2].family, "ssh");
	history_status_release(&s);

	/* a month later the waiver has expired (the last known result still says WAIVED) */
	assert_int_equal(history_status(h, BASE + 30 * 86400, "web-01", NULL, &s, &e), 0);
	assert_int_equal(s.n, 2);
	assert_true(s.runs[0].controls[0].waiver_expired);
	history_status_release(&s);

	/* by group: db-01 is in Odense by its run's org */
	assert_int_equal(history_status(h, BASE + 86399, NULL, "Aarhus", &s, &e), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.runs[0].host, "web-01");
	history_status_release(&s);
	assert_int_equal(history_status(h, BASE + 86399, NULL, "Nowhere", &s, &e), 0);
	assert_int_equal(s.n, 0);
	history_status_release(&s);
	history_close(h);
}

/* ---- trend and benchmark --------------------------------------------------------- */

static void
test_trend(void **state)
{
	/* day 0: web-01 host 50 + ssh 100 -> 75; db-01 40 -> mean 57.5
	 * day 1: web-01 host 100 (ssh still 100) -> 100; db-01 nothing new (40) -> 70
	 * day 2: db-01 in Odense only: 80 */
	static const char *const runs[] = {
		"0 c=50 A=PASS", "5 f=ssh c=100 A=PASS", "10 h=db-01 org=Odense c=40 A=FAIL",
		"1500 c=100 A=PASS", "1510 error",
		"3000 h=db-01 org=Odense c=80 A=PASS",
		NULL,
	};
	struct history *h = store_of("trend.jsonl", runs, NULL);
	long d0 = util_date_days("2026-10-31");
	struct history_trend t;
	struct errmsg e;

	(void)state;
	assert_int_equal(history_trend(h, d0, d0 + 3, NULL, &t, &e), 0);
	assert_int_equal(t.n, 4);
	assert_string_equal(t.days[0].date, "2026-10-31");
	assert_int_equal(t.days[0].hosts, 0);
	assert_string_equal(t.days[1].date, "2026-11-01");
	assert_int_equal(t.days[1].hosts, 2);
	assert_float_equal(t.days[1].compliance, 57.5, 1e-9);
	assert_int_equal(t.days[2].hosts, 2);
	assert_float_equal(t.days[2].compliance, 70.0, 1e-9);
	assert_int_equal(t.days[3].hosts, 2);
	assert_float_equal(t.days[3].compliance, 90.0, 1e-9);
	assert_int_equal(t.days[3].end, BASE + 2 * 86400 + 86399);
	history_trend_release(&t);

	assert_int_equal(history_trend(h, d0 + 1, d0 + 3, "Odense", &t, &e), 0);
	assert_int_equal(t.n, 3);
	assert_float_equal(t.days[0].compliance, 40.0, 1e-9);
	assert_float_equal(t.days[2].compliance, 80.0, 1e-9);
	history_trend_release(&t);

	assert_int_equal(history_trend(h, d0 + 1, d0, NULL, &t, &e), -1);
	assert_int_equal(history_trend(h, d0, d0 + HISTORY_MAX_DAYS, NULL, &t, &e), -1);
	assert_string_equal(e.msg, "trend: from must not be after to, and at most 3660 days");
	history_close(h);
}

static void
test_benchmark(void **state)
{
	static const char *const runs[] = {
		"0 h=a1 org=Aarhus A=FAIL B=FAIL^warning C=PASS",
		"0 h=a2 org=Aarhus A=FAIL B=PASS C=PASS",
		"0 h=a2 f=ssh org=Aarhus A=FAIL S=FAIL",
		"0 h=o1 org=Odense A=PASS B=FAIL^warning C=FAIL",
		"0 h=n1 A=FAIL",
		"0 h=z1 org=Zealand A=PASS",
		NULL,
	};
	struct history *h = store_of("bench.jsonl", runs, NULL);
	struct history_bench b;
	struct errmsg e;

	(void)state;
	assert_int_equal(history_benchmark(h, BASE + 60, false, &b, &e), 0);
	assert_int_equal(b.ngroups, 4);
	assert_string_equal(b.groups[0].label, "Aarhus");
	assert_int_equal(b.groups[0].hosts, 2);
	/* a1: 1/3 -> 33; a2: host 66, ssh 0 -> 33; mean 33 */
	assert_float_equal(b.groups[0].compliance, 33.0, 1e-9);
	assert_int_equal(b.groups[0].critical_failing, 4);	/* a1 A, a2 A, a2/ssh A and S */
	assert_int_equal(b.groups[0].hosts_critical, 2);
	assert_string_equal(b.groups[1].label, "Odense");
	assert_int_equal(b.groups[1].critical_failing, 1);
	assert_string_equal(b.groups[2].label, "Zealand");
	assert_int_equal(b.groups[2].critical_failing, 0);
	assert_int_equal(b.groups[2].hosts_critical, 0);
	assert_float_equal(b.groups[2].compliance, 100.0, 1e-9);
	assert_string_equal(b.groups[3].label, "(no group)");
	assert_null(b.groups[3].name);
	/* A fails on a1, a2 (twice: one host), n1; B on a1, o1; C on o1; S on a2 */
	assert_int_equal(b.ntop, 4);
	assert_string_equal(b.top[0].id, "A");
	assert_int_equal(b.top[0].hosts, 3);
	assert_int_equal(b.top[0].per_group[0], 2);
	assert_int_equal(b.top[0].per_group[1], 0);
	assert_int_equal(b.top[0].per_group[3], 1);
	assert_string_equal(b.top[1].id, "B");
	assert_int_equal(b.top[1].hosts, 2);
	assert_string_equal(b.top[1].severity, "warning");
	assert_string_equal(b.top[2].id, "C");
	assert_string_equal(b.top[3].id, "S");
	assert_string_equal(b.top[3].title, "Title of S");
	history_bench_release(&b);

	assert_int_equal(history_benchmark(h, BASE + 60, true, &b, &e), 0);
	assert_string_equal(b.groups[0].label, "Group A");
	assert_null(b.groups[0].name);
	assert_string_equal(b.groups[1].label, "Group B");
	assert_string_equal(b.groups[2].label, "Group C");
	assert_string_equal(b.groups[3].label, "(no group)");
	history_bench_release(&b);

	/* before any run: nothing */
	assert_int_equal(history_benchmark(h, BASE - 1, false, &b, &e), 0);
	assert_int_equal(b.ngroups, 0);
	assert_int_equal(b.ntop, 0);
	history_bench_release(&b);
	history_close(h);
}

/* More than 26 groups are lettered as spreadsheet columns. */
static void
test_many_groups(void **state)
{
	char *specs[30], *path = xasprintf("%s/many.jsonl", dir), *run;
	struct history_ingest_stats st;
	struct history *h = open_mem();
	struct history_bench b;
	struct errmsg e;
	struct log l;
	int i;

	(void)state;
	log_init(&l);
	for (i = 0; i < 30; i++) {
		specs[i] = xasprintf("0 h=host%02d org=G%02d A=PASS", i, i);
		run = run_json(specs[i]);
		log_add(&l, run);
		free(run);
		free(specs[i]);
	}
	spit(path, l.text.buf, l.text.len, false);
	sbuf_release(&l.text);
	ingest_ok(h, path, &st);
	assert_int_equal(history_benchmark(h, BASE, true, &b, &e), 0);
	assert_int_equal(b.ngroups, 30);
	assert_string_equal(b.groups[0].label, "Group A");
	assert_string_equal(b.groups[25].label, "Group Z");
	assert_string_equal(b.groups[26].label, "Group AA");
	assert_string_equal(b.groups[29].label, "Group AD");
	history_bench_release(&b);
	history_close(h);
	free(path);
}


/* ---- lines of another format (history_ingest_lines) ------------------------------ */

/* "MIN A=PASS B=FAIL": a run of web-01/host; "#..." is not ours; "bad" is refused. */
struct toy {
	struct history_control_in ctl[4];
	char *text;
};

static int
toy_parse(void *ctx, const char *line, size_t len, struct history_run_in *r, struct errmsg *e)
{
	struct toy *t = ctx;
	char *save = NULL, *tok;
	size_t n = 0;

	if (len && line[0] == '#')
		return 0;
	t->text = xstrndup(line, len);
	if (strcmp(t->text, "bad") == 0) {
		errmsg_set(e, "not a toy line");
		return -1;
	}
	r->host = "web-01";
	r->family = "host";
	r->state = "OK";
	tok = strtok_r(t->text, " ", &save);
	r->time = BASE + 60 * atoll(tok);
	while ((tok = strtok_r(NULL, " ", &save)) && n < 4) {
		char *eq = strchr(tok, '=');

		*eq = '\0';
		memset(&t->ctl[n], 0, sizeof(t->ctl[n]));
		t->ctl[n].id = tok;
		t->ctl[n].result = eq + 1;
		n++;
	}
	r->controls = t->ctl;
	r->ncontrols = n;
	return 1;
}

static void
toy_release(void *ctx, struct history_run_in *r)
{
	struct toy *t = ctx;

	(void)r;
	free(t->text);
	t->text = NULL;
}

static void
test_other_lines(void **state)
{
	char *dbpath = xasprintf("%s/lines.db", dir), *path = xasprintf("%s/toy.txt", dir), *got;
	static const char text[] = "0 A=PASS B=FAIL\n# another check\nbad\n10 A=PASS B=PASS\n"
				   "20 A=FAIL\n30 A=FAIL B=PASS\n40 A=PA";
	struct toy toy = { 0 };
	struct history_line_reader rd = { toy_parse, toy_release, &toy };
	struct history_ingest_stats st;
	struct history *h;
	struct errmsg e;
	FILE *f;

	(void)state;
	unlink(dbpath);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
	if (history_open(&h, dbpath, HISTORY_WRITE, &e) == -1)
		fail_msg("%s", e.msg);
	assert_int_equal(history_ingest_lines(h, path, &rd, NULL, NULL, &st, &e), 0);
	assert_int_equal(st.lines, 6);
	assert_int_equal(st.stored, 4);
	assert_int_equal(st.skipped, 1);
	assert_int_equal(st.refused, 1);
	assert_true(st.partial);
	/* again: nothing new; the partial line is still waiting */
	assert_int_equal(history_ingest_lines(h, path, &rd, NULL, NULL, &st, &e), 0);
	assert_int_equal(st.lines, 0);
	assert_int_equal(st.stored, 0);
	assert_true(st.partial);
	/* the line completes */
	assert_non_null(f = fopen(path, "a"));
	fputs("SS B=PASS\n", f);
	fclose(f);
	assert_int_equal(history_ingest_lines(h, path, &rd, NULL, NULL, &st, &e), 0);
	assert_int_equal(st.stored, 1);
	history_close(h);
	got = intervals_of(dbpath, "web-01");
	assert_string_equal(got, "A:PASS@0-10 A:FAIL@20-30 A:PASS@40 B:FAIL@0 B:PASS@10-40");
	free(got);
	free(dbpath);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_intervals),
		cmocka_unit_test(test_other_lines),
		cmocka_unit_test(test_every_order),
		cmocka_unit_test(test_idempotent),
		cmocka_unit_test(test_broken_chain),
		cmocka_unit_test(test_partial_line),
		cmocka_unit_test(test_rotation),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_stops),
		cmocka_unit_test(test_first_line),
		cmocka_unit_test(test_unreadable),
		cmocka_unit_test(test_open),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_as_of),
		cmocka_unit_test(test_status_fields),
		cmocka_unit_test(test_trend),
		cmocka_unit_test(test_benchmark),
		cmocka_unit_test(test_many_groups),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
