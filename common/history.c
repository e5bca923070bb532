/*
 * The history store. The only module that includes sqlite3.h.
 *
 * Schema (version 1, PRAGMA user_version; docs/history.md explains it):
 *
 *   series     one row per (host, family), with the newest run time stored
 *   runs       one row per evidence line: the run's identity and verdict,
 *              source_key = SHA-256 of the line (UNIQUE with the series and time:
 *              a line is stored once)
 *   intervals  per (series, control): the stretches of runs with one value,
 *              [from_time, to_time], disjoint and ordered; vhash identifies
 *              the value
 *   sources    per evidence file: path, device, inode, bytes consumed, lines,
 *              the last line's hash: where the next ingest resumes
 *
 * Writes happen in transactions of at most h->batch runs that also move the
 * file's position in `sources`, so what is committed and where the next
 * ingest starts always agree, whatever moment the process dies at.
 *
 * A run older than the newest of its series (a rotated log read after the
 * current one) is fitted into the intervals (fit_control()): the intervals
 * are split around it using the run times the runs table keeps.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "digest.h"
#include "evidence.h"
#include "history.h"
#include "json.h"
#include "util.h"
#include "banned.h"

#define SCHEMA_VERSION 2
#define BUSY_TIMEOUT_MS 10000
#define READ_CHUNK (256u * 1024)
#define LOCK_WAIT_MS 5000
/* Bytes of a run's key kept (the first half of its SHA-256): enough to tell runs apart. */
#define HISTORY_KEY_LEN 16

static const char schema_sql[] =
	"CREATE TABLE IF NOT EXISTS series (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  host TEXT NOT NULL,\n"
	"  family TEXT NOT NULL,\n"
	"  newest INTEGER NOT NULL,\n"
	"  UNIQUE (host, family)\n"
	");\n"
	"CREATE TABLE IF NOT EXISTS contexts (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  target TEXT,\n"
	"  baseline_id TEXT,\n"
	"  baseline_version TEXT,\n"
	"  baseline_sha256 TEXT,\n"
	"  profile TEXT,\n"
	"  tailoring_id TEXT,\n"
	"  tailoring_version TEXT,\n"
	"  org TEXT,\n"
	"  grp TEXT,\n"
	"  source TEXT NOT NULL,\n"
	"  chash BLOB NOT NULL UNIQUE\n"
	");\n"
	"CREATE TABLE IF NOT EXISTS runs (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  series INTEGER NOT NULL REFERENCES series(id),\n"
	"  time INTEGER NOT NULL,\n"
	"  state TEXT,\n"
	"  exit_code INTEGER,\n"
	"  compliance INTEGER,\n"
	"  ncontrols INTEGER NOT NULL,\n"
	"  context INTEGER NOT NULL REFERENCES contexts(id),\n"
	"  error TEXT,\n"
	"  source_line INTEGER NOT NULL,\n"
	"  source_key BLOB NOT NULL\n"
	");\n"
	/*
	 * A run is stored once: the same line has the same series and time, so
	 * the key is unique within them. Keyed so, the index grows at the end of
	 * each series instead of at random places (a global UNIQUE on a hash
	 * would touch a random page of an ever larger index per run).
	 */
	"CREATE UNIQUE INDEX IF NOT EXISTS runs_series_time ON runs (series, time, source_key);\n"
	"CREATE INDEX IF NOT EXISTS runs_evaluated ON runs (series, time) WHERE ncontrols > 0;\n"
	"CREATE TABLE IF NOT EXISTS intervals (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  series INTEGER NOT NULL REFERENCES series(id),\n"
	"  control TEXT NOT NULL,\n"
	"  control_version INTEGER,\n"
	"  result TEXT NOT NULL,\n"
	"  state TEXT,\n"
	"  severity TEXT,\n"
	"  title TEXT,\n"
	"  observed TEXT,\n"
	"  expected TEXT,\n"
	"  reason TEXT,\n"
	"  waiver TEXT,\n"
	"  hidden_result TEXT,\n"
	"  baseline_version TEXT,\n"
	"  vhash TEXT NOT NULL,\n"
	"  from_time INTEGER NOT NULL,\n"
	"  to_time INTEGER NOT NULL\n"
	");\n"
	"CREATE UNIQUE INDEX IF NOT EXISTS intervals_from ON intervals (series, control, from_time);\n"
	"CREATE INDEX IF NOT EXISTS intervals_to ON intervals (series, to_time);\n"
	"CREATE TABLE IF NOT EXISTS sources (\n"
	"  path TEXT PRIMARY KEY,\n"
	"  dev INTEGER NOT NULL,\n"
	"  ino INTEGER NOT NULL,\n"
	"  offset INTEGER NOT NULL,\n"
	"  lines INTEGER NOT NULL,\n"
	"  last_hash TEXT NOT NULL,\n"
	"  updated INTEGER NOT NULL\n"
	");\n"
	"CREATE INDEX IF NOT EXISTS sources_inode ON sources (dev, ino);\n"
	"CREATE VIEW IF NOT EXISTS run_view AS\n"
	"  SELECT s.host, s.family, datetime(r.time, 'unixepoch') AS at, r.*, c.target,\n"
	"         c.baseline_id, c.baseline_version, c.baseline_sha256, c.profile,\n"
	"         c.tailoring_id, c.tailoring_version, c.org, c.grp, c.source\n"
	"  FROM runs r JOIN series s ON s.id = r.series JOIN contexts c ON c.id = r.context;\n"
	"CREATE VIEW IF NOT EXISTS interval_view AS\n"
	"  SELECT s.host, s.family, datetime(i.from_time, 'unixepoch') AS since,\n"
	"         datetime(i.to_time, 'unixepoch') AS until, i.*\n"
	"  FROM intervals i JOIN series s ON s.id = i.series;\n";

/* The prepared statements of the ingest, made once per store. */
enum stmt {
	S_SERIES_ADD,
	S_SERIES_GET,
	S_SERIES_NEWEST,
	S_RUN_ADD,
	S_CTX_GET,
	S_CTX_ADD,
	S_IVL_TO,
	S_RUN_MAX,
	S_RUN_MIN,
	S_IVL_AT,
	S_IVL_AFTER,
	S_IVL_SET,
	S_IVL_DEL,
	S_IVL_ADD,
	S_IVL_COPY,
	S_SRC_PATH,
	S_SRC_INODE,
	S_SRC_PUT,
	S_NSTMT
};

static const char *const stmt_sql[S_NSTMT] = {
	[S_SERIES_ADD] = "INSERT OR IGNORE INTO series (host, family, newest) VALUES (?1, ?2, ?3)",
	[S_SERIES_GET] = "SELECT id, newest FROM series WHERE host = ?1 AND family = ?2",
	[S_SERIES_NEWEST] = "UPDATE series SET newest = ?2 WHERE id = ?1 AND newest < ?2",
	[S_RUN_ADD] = "INSERT OR IGNORE INTO runs (series, time, state, exit_code, compliance, "
		      "ncontrols, context, error, source_line, source_key) "
		      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	[S_CTX_GET] = "SELECT id FROM contexts WHERE chash = ?1",
	[S_CTX_ADD] = "INSERT INTO contexts (target, baseline_id, baseline_version, "
		      "baseline_sha256, profile, tailoring_id, tailoring_version, org, grp, source, "
		      "chash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	[S_IVL_TO] = "UPDATE intervals SET to_time = ?2 WHERE id = ?1",
	[S_RUN_MAX] = "SELECT max(time) FROM runs WHERE series = ?1 AND ncontrols > 0 "
		      "AND time >= ?2 AND time < ?3",
	[S_RUN_MIN] = "SELECT min(time) FROM runs WHERE series = ?1 AND ncontrols > 0 "
		      "AND time > ?2 AND time <= ?3",
	[S_IVL_AT] = "SELECT id, from_time, to_time, vhash FROM intervals WHERE series = ?1 "
		     "AND control = ?2 AND from_time <= ?3 ORDER BY from_time DESC LIMIT 1",
	[S_IVL_AFTER] = "SELECT id, from_time, to_time, vhash FROM intervals WHERE series = ?1 "
			"AND control = ?2 AND from_time > ?3 ORDER BY from_time ASC LIMIT 1",
	[S_IVL_SET] = "UPDATE intervals SET from_time = ?2, to_time = ?3 WHERE id = ?1",
	[S_IVL_DEL] = "DELETE FROM intervals WHERE id = ?1",
	[S_IVL_ADD] = "INSERT INTO intervals (series, control, control_version, result, state, "
		      "severity, title, observed, expected, reason, waiver, hidden_result, "
		      "baseline_version, vhash, from_time, to_time) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
		      "?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
	[S_IVL_COPY] = "INSERT INTO intervals (series, control, control_version, result, state, "
		       "severity, title, observed, expected, reason, waiver, hidden_result, "
		       "baseline_version, vhash, from_time, to_time) SELECT series, control, "
		       "control_version, result, state, severity, title, observed, expected, "
		       "reason, waiver, hidden_result, baseline_version, vhash, ?2, ?3 "
		       "FROM intervals WHERE id = ?1",
	[S_SRC_PATH] = "SELECT dev, ino, offset, lines, last_hash FROM sources WHERE path = ?1",
	[S_SRC_INODE] = "SELECT dev, ino, offset, lines, last_hash FROM sources "
			"WHERE dev = ?1 AND ino = ?2 ORDER BY updated DESC LIMIT 1",
	[S_SRC_PUT] = "INSERT OR REPLACE INTO sources (path, dev, ino, offset, lines, last_hash, "
		      "updated) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
};

/*
 * A small hash map from byte strings to an index into one of the caches'
 * arrays (open addressing, linear probing, never shrinks).
 */
struct hent {
	char *key;
	size_t klen;
	uint64_t hash;
	size_t val;
};

struct hmap {
	struct hent *v;
	size_t cap, n;
};

/*
 * The newest interval of a (series, control) as the ingest last saw it. A run
 * in time order that repeats the value moves `to` in memory only; the new
 * to_time is written once per transaction (tips_flush), not once per run.
 */
struct tip {
	sqlite3_int64 series, id;
	long long from, to;
	char vhash[DIGEST_HEX_LEN + 1];
	bool known;		/* read from the store (or made here) since the last change */
	bool found;		/* the control has an interval */
	bool dirty;		/* `to` is newer than the store's */
};

/* A series as the ingest knows it: its id and newest run time. */
struct series_c {
	sqlite3_int64 id;
	long long newest, stored_newest;
	bool dirty;
};

struct history {
	sqlite3 *db;
	char *path;
	enum history_mode mode;
	unsigned batch;
	sqlite3_stmt *st[S_NSTMT];
	/* the ingest's caches, valid inside a transaction and after its commit */
	struct hmap tip_map, series_map, ctx_map;
	struct tip *tips;
	size_t ntips, tips_alloc;
	struct series_c *series;
	size_t nseries, series_alloc;
	sqlite3_int64 *ctx;
	size_t nctx, ctx_alloc;
	size_t *dirty;		/* tips whose `to` waits for tips_flush */
	size_t ndirty, dirty_alloc;
	struct sbuf scratch;
	/* history_set_progress(): the hook, where the report is, when it began */
	void (*progress)(void *ctx, double seconds, size_t done, size_t total);
	void *progress_ctx;
	double progress_after;
	size_t done, total;
	struct timespec started, shown;
	bool in_txn;		/* a write transaction is open */
	bool hold;		/* history_hold(): files share transactions */
	unsigned pending;	/* lines taken since the last commit */
};

/* "history 'x.db': <sqlite's message>" */
static int
db_error(struct history *h, struct errmsg *e, const char *doing)
{
	errmsg_set(e, "history '%s': %s: %s", h->path, doing, sqlite3_errmsg(h->db));
	return -1;
}

static int
exec(struct history *h, const char *sql, struct errmsg *e)
{
	if (sqlite3_exec(h->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_error(h, e, sql);
	return 0;
}

/* The statement s, reset and unbound, ready for its parameters. */
static sqlite3_stmt *
stmt(struct history *h, enum stmt s)
{
	sqlite3_reset(h->st[s]);
	sqlite3_clear_bindings(h->st[s]);
	return h->st[s];
}

static void
bind_str(sqlite3_stmt *q, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(q, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(q, i);
}

/* Runs a statement that returns no rows (or whose rows do not matter). */
static int
step_done(struct history *h, sqlite3_stmt *q, struct errmsg *e, const char *doing)
{
	int rc;

	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		;
	sqlite3_reset(q);
	if (rc != SQLITE_DONE)
		return db_error(h, e, doing);
	return 0;
}

/* A text column, copied, or NULL. */
static char *
col_dup(sqlite3_stmt *q, int i)
{
	const unsigned char *s = sqlite3_column_text(q, i);

	return s ? xstrdup((const char *)s) : NULL;
}

static int
hexdigit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* ---- the ingest's caches ------------------------------------------------------------ */

static uint64_t
hash_bytes(const void *p, size_t n)
{
	const unsigned char *b = p;
	uint64_t x = 1469598103934665603ULL;	/* FNV-1a */
	size_t i;

	for (i = 0; i < n; i++) {
		x ^= b[i];
		x *= 1099511628211ULL;
	}
	return x ^ (x >> 29);
}

static struct hent *
hmap_slot(const struct hmap *m, const void *key, size_t klen, uint64_t hash)
{
	size_t i = (size_t)hash & (m->cap - 1);

	for (;; i = (i + 1) & (m->cap - 1)) {
		struct hent *s = &m->v[i];

		if (!s->key || (s->hash == hash && s->klen == klen && memcmp(s->key, key, klen) == 0))
			return s;
	}
}

/* The value stored for key, or NULL. */
static size_t *
hmap_get(const struct hmap *m, const void *key, size_t klen)
{
	struct hent *s;

	if (!m->cap)
		return NULL;
	s = hmap_slot(m, key, klen, hash_bytes(key, klen));
	return s->key ? &s->val : NULL;
}

/* Adds key (not yet in m) with val. */
static void
hmap_put(struct hmap *m, const void *key, size_t klen, size_t val)
{
	struct hent *s;
	size_t i;

	if ((m->n + 1) * 10 >= m->cap * 7) {
		struct hmap g = { xcalloc(m->cap ? m->cap * 2 : 1024, sizeof(*g.v)),
				  m->cap ? m->cap * 2 : 1024, m->n };

		for (i = 0; i < m->cap; i++)
			if (m->v[i].key)
				*hmap_slot(&g, m->v[i].key, m->v[i].klen, m->v[i].hash) = m->v[i];
		free(m->v);
		*m = g;
	}
	s = hmap_slot(m, key, klen, hash_bytes(key, klen));
	s->key = xmalloc(klen);
	memcpy(s->key, key, klen);
	s->klen = klen;
	s->hash = hash_bytes(key, klen);
	s->val = val;
	m->n++;
}

static void
hmap_clear(struct hmap *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		free(m->v[i].key);
	if (m->cap)
		memset(m->v, 0, m->cap * sizeof(*m->v));
	m->n = 0;
}

/* Forgets everything cached: after a rollback the ids may not exist. */
static void
caches_clear(struct history *h)
{
	hmap_clear(&h->tip_map);
	hmap_clear(&h->series_map);
	hmap_clear(&h->ctx_map);
	h->ntips = h->nseries = h->nctx = h->ndirty = 0;
}

/* The key of a (series, control) in tip_map. */
static size_t
tip_key(char *buf, sqlite3_int64 series, const char *control)
{
	size_t n = strlen(control);

	memcpy(buf, &series, sizeof(series));
	memcpy(buf + sizeof(series), control, n);
	return sizeof(series) + n;
}

/* The tip of (series, control), made (unknown) when new. */
static struct tip *
tip_get(struct history *h, sqlite3_int64 series, const char *control)
{
	char key[sizeof(sqlite3_int64) + 65];
	size_t klen = tip_key(key, series, control), *at = hmap_get(&h->tip_map, key, klen);

	if (at)
		return &h->tips[*at];
	h->tips = xgrow(h->tips, h->ntips + 1, &h->tips_alloc, sizeof(*h->tips));
	memset(&h->tips[h->ntips], 0, sizeof(*h->tips));
	h->tips[h->ntips].series = series;
	hmap_put(&h->tip_map, key, klen, h->ntips);
	return &h->tips[h->ntips++];
}

static void
tip_dirty(struct history *h, struct tip *t)
{
	if (t->dirty)
		return;
	t->dirty = true;
	h->dirty = xgrow(h->dirty, h->ndirty + 1, &h->dirty_alloc, sizeof(*h->dirty));
	h->dirty[h->ndirty++] = (size_t)(t - h->tips);
}

/* Writes the to_time of every dirty tip and each series' newest run time. */
static int
tips_flush(struct history *h, struct errmsg *e)
{
	sqlite3_stmt *q;
	size_t i;

	for (i = 0; i < h->ndirty; i++) {
		struct tip *t = &h->tips[h->dirty[i]];

		if (!t->dirty)
			continue;
		q = stmt(h, S_IVL_TO);
		sqlite3_bind_int64(q, 1, t->id);
		sqlite3_bind_int64(q, 2, t->to);
		if (step_done(h, q, e, "update interval") == -1)
			return -1;
		t->dirty = false;
	}
	h->ndirty = 0;
	for (i = 0; i < h->nseries; i++) {
		struct series_c *c = &h->series[i];

		if (!c->dirty)
			continue;
		q = stmt(h, S_SERIES_NEWEST);
		sqlite3_bind_int64(q, 1, c->id);
		sqlite3_bind_int64(q, 2, c->newest);
		if (step_done(h, q, e, "update series") == -1)
			return -1;
		c->stored_newest = c->newest;
		c->dirty = false;
	}
	return 0;
}

int
history_begin(struct history *h, struct errmsg *e)
{
	if (h->mode != HISTORY_WRITE) {
		errmsg_set(e, "history '%s': opened read-only", h->path);
		return -1;
	}
	if (h->in_txn)
		return 0;
	if (exec(h, "BEGIN IMMEDIATE", e) == -1)
		return -1;
	h->in_txn = true;
	h->pending = 0;
	return 0;
}

int
history_commit(struct history *h, struct errmsg *e)
{
	if (!h->in_txn)
		return 0;
	if (tips_flush(h, e) == -1 || exec(h, "COMMIT", e) == -1)
		return -1;
	h->in_txn = false;
	h->pending = 0;
	return 0;
}

void
history_rollback(struct history *h)
{
	sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
	h->in_txn = false;
	h->pending = 0;
	caches_clear(h);
}

/* ---- progress of a long report ------------------------------------------------------ */

static double
since(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* Tells the hook where the report is: after its first second, at most ten times a second. */
static void
tick(struct history *h)
{
	struct timespec now;

	if (!h->progress)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (since(&h->started, &now) < h->progress_after || since(&h->shown, &now) < 0.1)
		return;
	h->shown = now;
	h->progress(h->progress_ctx, since(&h->started, &now), h->done, h->total);
}

/* SQLite's progress handler: long queries tick too. */
static int
query_tick(void *ctx)
{
	tick(ctx);
	return 0;
}

static void
progress_start(struct history *h, size_t total)
{
	h->done = 0;
	h->total = total;
	clock_gettime(CLOCK_MONOTONIC, &h->started);
	h->shown.tv_sec = 0;
	h->shown.tv_nsec = 0;
}

void
history_set_progress(struct history *h, double after,
		     void (*fn)(void *ctx, double seconds, size_t done, size_t total), void *ctx)
{
	h->progress = fn;
	h->progress_ctx = ctx;
	h->progress_after = after;
	sqlite3_progress_handler(h->db, fn ? 100000 : 0, fn ? query_tick : NULL, h);
}

void
history_hold(struct history *h)
{
	h->hold = true;
}

int
history_flush(struct history *h, struct errmsg *e)
{
	return history_commit(h, e);
}

/* ---- opening -------------------------------------------------------------------- */

int
history_open(struct history **out, const char *path, enum history_mode mode, struct errmsg *e)
{
	struct history *h = xcalloc(1, sizeof(*h));
	int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW, version = -1, fd;
	sqlite3_stmt *q;
	size_t i;

	*out = NULL;
	h->path = xstrdup(path);
	h->mode = mode;
	h->batch = HISTORY_BATCH_DEFAULT;
	sbuf_init(&h->scratch, 8 * (size_t)EVIDENCE_MAX_LINE);
	if (mode == HISTORY_WRITE) {
		flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
		/* create it ourselves first: 0640 and no symlink, as the evidence log */
		if (strcmp(path, ":memory:") != 0) {
			fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0640);
			if (fd == -1) {
				errmsg_set(e, "cannot open history '%s': %s", path,
					   errno == ELOOP ? "is a symbolic link" : strerror(errno));
				goto fail;
			}
			close(fd);
		}
	} else {
		flags |= SQLITE_OPEN_READONLY;
		if (access(path, F_OK) == -1) {
			errmsg_set(e, "cannot open history '%s': %s", path, strerror(errno));
			goto fail;
		}
	}
	if (sqlite3_open_v2(path, &h->db, flags, NULL) != SQLITE_OK) {
		errmsg_set(e, "cannot open history '%s': %s", path,
			   h->db ? sqlite3_errmsg(h->db) : "out of memory");
		goto fail;
	}
	sqlite3_extended_result_codes(h->db, 1);
	sqlite3_busy_timeout(h->db, BUSY_TIMEOUT_MS);
	if (sqlite3_prepare_v2(h->db, "PRAGMA user_version", -1, &q, NULL) != SQLITE_OK) {
		errmsg_set(e, "history '%s': not a history database: %s", path,
			   sqlite3_errmsg(h->db));
		goto fail;
	}
	if (sqlite3_step(q) != SQLITE_ROW) {
		errmsg_set(e, "history '%s': not a history database: %s", path,
			   sqlite3_errmsg(h->db));
		sqlite3_finalize(q);
		goto fail;
	}
	version = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	if (version != 0 && version != SCHEMA_VERSION) {
		errmsg_set(e, "history '%s': schema version %d, this program knows %d", path,
			   version, SCHEMA_VERSION);
		goto fail;
	}
	if (mode == HISTORY_READ) {
		if (version != SCHEMA_VERSION) {
			errmsg_set(e, "history '%s': not a history database (no schema)", path);
			goto fail;
		}
		*out = h;
		return 0;
	}
	/*
	 * Keep the -wal and -shm files when we close: a reader that may not write
	 * the directory (a report run by another user) cannot create them itself.
	 */
	{
		int persist = 1;

		sqlite3_file_control(h->db, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
	}
	if (exec(h, "PRAGMA journal_mode=WAL", e) == -1 ||
	    exec(h, "PRAGMA synchronous=NORMAL", e) == -1 ||
	    /*
	     * An ingest rewrites the same index pages run after run: a page cache
	     * of 128 MiB keeps them in memory until the commit (SQLite's 2 MiB
	     * spilled them to the WAL mid-transaction), and a checkpoint every
	     * 40 MiB of WAL instead of 4 syncs the disk ten times less often.
	     */
	    exec(h, "PRAGMA cache_size=-131072", e) == -1 ||
	    exec(h, "PRAGMA wal_autocheckpoint=10000", e) == -1 ||
	    exec(h, "BEGIN IMMEDIATE", e) == -1)
		goto fail;
	if (exec(h, schema_sql, e) == -1 || exec(h, "PRAGMA user_version=2", e) == -1 ||
	    exec(h, "COMMIT", e) == -1) {
		sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
		goto fail;
	}
	for (i = 0; i < S_NSTMT; i++)
		if (sqlite3_prepare_v3(h->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &h->st[i],
				       NULL) != SQLITE_OK) {
			db_error(h, e, "prepare");
			goto fail;
		}
	*out = h;
	return 0;
fail:
	history_close(h);
	return -1;
}

void
history_close(struct history *h)
{
	size_t i;

	if (!h)
		return;
	if (h->in_txn)	/* not flushed: nothing of it is kept */
		sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
	for (i = 0; i < S_NSTMT; i++)
		sqlite3_finalize(h->st[i]);
	sqlite3_close(h->db);
	caches_clear(h);
	free(h->tip_map.v);
	free(h->series_map.v);
	free(h->ctx_map.v);
	free(h->tips);
	free(h->series);
	free(h->ctx);
	free(h->dirty);
	sbuf_release(&h->scratch);
	free(h->path);
	free(h);
}

void
history_set_batch(struct history *h, unsigned n)
{
	h->batch = n < 1 ? 1 : n > HISTORY_BATCH_MAX ? HISTORY_BATCH_MAX : n;
}

/* ---- time ------------------------------------------------------------------------ */

static int
two(const char *s, unsigned max, unsigned *out)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return -1;
	*out = (unsigned)((s[0] - '0') * 10 + (s[1] - '0'));
	return *out <= max ? 0 : -1;
}

int
history_parse_time(const char *s, bool date_end, long long *out)
{
	char date[11];
	unsigned hh, mm, ss;
	long days;

	if (!s || strlen(s) < 10)
		return -1;
	memcpy(date, s, 10);
	date[10] = '\0';
	if ((days = util_date_days(date)) < 0)
		return -1;
	if (s[10] == '\0') {
		if (!date_end)
			return -1;
		*out = (long long)days * 86400 + 86399;
		return 0;
	}
	if (strlen(s) != 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z' ||
	    two(s + 11, 23, &hh) == -1 || two(s + 14, 59, &mm) == -1 || two(s + 17, 59, &ss) == -1)
		return -1;
	*out = (long long)days * 86400 + hh * 3600 + mm * 60 + ss;
	return 0;
}

void
history_format_time(long long t, char out[32])
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (!gmtime_r(&tt, &tm)) {
		snprintf(out, 32, "%lld", t);
		return;
	}
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- groups ---------------------------------------------------------------------- */

static int
cmp_group(const void *a, const void *b)
{
	return strcmp(((const struct history_group_entry *)a)->host,
		      ((const struct history_group_entry *)b)->host);
}

/*
 * One CSV field at *p (up to end of line or text); quoted fields may hold
 * commas and doubled quotes, not line breaks. Leaves *p after the field.
 */
static int
csv_field(const char **p, const char *end, struct sbuf *out, const char **why)
{
	const char *s = *p;

	sbuf_reset(out);
	if (s < end && *s == '"') {
		s++;
		for (;;) {
			if (s == end || *s == '\n' || *s == '\r') {
				*why = "unterminated quote";
				return -1;
			}
			if (*s == '"') {
				if (s + 1 < end && s[1] == '"') {
					sbuf_addch(out, '"');
					s += 2;
					continue;
				}
				s++;
				break;
			}
			sbuf_addch(out, *s++);
		}
		if (s < end && *s != ',' && *s != '\n' && *s != '\r') {
			*why = "text after a closing quote";
			return -1;
		}
	} else {
		while (s < end && *s != ',' && *s != '\n' && *s != '\r') {
			if (*s == '"') {
				*why = "a quote inside an unquoted field";
				return -1;
			}
			sbuf_addch(out, *s++);
		}
	}
	*p = s;
	return 0;
}

/* Trims spaces and tabs around an unquoted field's text in place. */
static void
trim(struct sbuf *sb)
{
	size_t a = 0, b = sb->len;

	while (a < b && (sb->buf[a] == ' ' || sb->buf[a] == '\t'))
		a++;
	while (b > a && (sb->buf[b - 1] == ' ' || sb->buf[b - 1] == '\t'))
		b--;
	if (sb->len == 0)
		return;
	memmove(sb->buf, sb->buf + a, b - a);
	sb->len = b - a;
	sb->buf[sb->len] = '\0';
}

static bool
has_control_char(const struct sbuf *sb)
{
	size_t i;

	for (i = 0; i < sb->len; i++)
		if ((unsigned char)sb->buf[i] < 0x20 || sb->buf[i] == 0x7f)
			return true;
	return false;
}

int
history_groups_parse(struct history_groups *g, const char *text, size_t len, const char *what,
		     struct errmsg *e)
{
	const char *p = text, *end = text + len, *why = NULL;
	struct sbuf f[2];
	size_t alloc = 0, line = 0, i, nf;
	int rc = -1;

	g->v = NULL;
	g->n = 0;
	sbuf_init(&f[0], HISTORY_GROUPS_MAX_FIELD + 1);
	sbuf_init(&f[1], HISTORY_GROUPS_MAX_FIELD + 1);
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)	/* a spreadsheet's BOM */
		p += 3;
	while (p < end) {
		line++;
		if (*p == '\n' || *p == '\r' || *p == '#') {
			while (p < end && *p != '\n')
				p++;
			p += p < end;
			continue;
		}
		for (nf = 0;; nf++) {
			if (nf == 2) {
				why = "more than two fields (host,group)";
				goto bad;
			}
			if (csv_field(&p, end, &f[nf], &why) == -1)
				goto bad;
			trim(&f[nf]);
			if (p < end && *p == ',') {
				p++;
				continue;
			}
			break;
		}
		if (p < end && *p == '\r')
			p++;
		if (p < end && *p != '\n') {
			why = "a carriage return inside the line";
			goto bad;
		}
		p += p < end;
		if (nf != 1) {
			why = "expected two fields (host,group)";
			goto bad;
		}
		if (g->n == 0 && line == 1 && strcmp(sbuf_str(&f[0]), "host") == 0 &&
		    strcmp(sbuf_str(&f[1]), "group") == 0)
			continue;	/* the header */
		for (i = 0; i < 2; i++) {
			if (f[i].len == 0) {
				why = i ? "empty group" : "empty host";
				goto bad;
			}
			if (f[i].truncated || f[i].len > HISTORY_GROUPS_MAX_FIELD) {
				errmsg_set(e, "%s: line %zu: field longer than %u bytes", what, line,
					   HISTORY_GROUPS_MAX_FIELD);
				goto out;
			}
			if (has_control_char(&f[i])) {
				why = "a control character in a field";
				goto bad;
			}
		}
		if (g->n == HISTORY_GROUPS_MAX_ENTRIES) {
			errmsg_set(e, "%s: more than %u hosts", what, HISTORY_GROUPS_MAX_ENTRIES);
			goto out;
		}
		g->v = xgrow(g->v, g->n + 1, &alloc, sizeof(*g->v));
		g->v[g->n].host = xstrdup(sbuf_str(&f[0]));
		g->v[g->n].group = xstrdup(sbuf_str(&f[1]));
		g->n++;
	}
	if (g->n)
		qsort(g->v, g->n, sizeof(*g->v), cmp_group);
	for (i = 1; i < g->n; i++)
		if (strcmp(g->v[i - 1].host, g->v[i].host) == 0) {
			errmsg_set(e, "%s: host '%s' listed twice", what, g->v[i].host);
			goto out;
		}
	rc = 0;
	goto out;
bad:
	errmsg_set(e, "%s: line %zu: %s", what, line, why);
out:
	sbuf_release(&f[0]);
	sbuf_release(&f[1]);
	return rc;
}

int
history_groups_load(struct history_groups *g, const char *path, struct errmsg *e)
{
	char *data, *what;
	size_t len;
	int rc;

	g->v = NULL;
	g->n = 0;
	if (util_read_file(path, "groups", HISTORY_GROUPS_MAX_FILE, &data, &len, e) == -1)
		return -1;
	what = xasprintf("groups '%s'", path);
	rc = history_groups_parse(g, data, len, what, e);
	free(what);
	free(data);
	return rc;
}

const char *
history_groups_find(const struct history_groups *g, const char *host)
{
	struct history_group_entry key, *hit;

	if (!g || !g->n || !host)
		return NULL;
	key.host = (char *)(uintptr_t)host;
	hit = bsearch(&key, g->v, g->n, sizeof(*g->v), cmp_group);
	return hit ? hit->group : NULL;
}

void
history_groups_release(struct history_groups *g)
{
	size_t i;

	if (!g)
		return;
	for (i = 0; i < g->n; i++) {
		free(g->v[i].host);
		free(g->v[i].group);
	}
	free(g->v);
	g->v = NULL;
	g->n = 0;
}

/* ---- reading a run --------------------------------------------------------------- */

/* A run read from an evidence line: the strings point into the parsed line. */
struct run_read {
	struct history_run_in r;
	struct history_control_in *ctl;
	char **waiver;		/* each control's canonical waiver JSON, owned */
};

/*
 * o[k] as a string in *out: NULL when absent or null (an error when required),
 * -1 with *why for another type or more than max bytes.
 */
static int
get_str(const struct jv *o, const char *k, size_t max, bool required, const char **out,
	struct sbuf *why)
{
	const struct jv *v = jv_get(o, k);

	*out = NULL;
	if (!v || v->type == JV_NULL) {
		if (required) {
			sbuf_addf(why, "no %s", k);
			return -1;
		}
		return 0;
	}
	if (v->type != JV_STRING) {
		sbuf_addf(why, "%s is not a string", k);
		return -1;
	}
	if (strlen(v->s) > max) {
		sbuf_addf(why, "%s longer than %zu bytes", k, max);
		return -1;
	}
	if (required && !v->s[0]) {
		sbuf_addf(why, "%s is empty", k);
		return -1;
	}
	*out = v->s;
	return 0;
}

static int
get_int(const struct jv *o, const char *k, bool required, long long *out, bool *has,
	struct sbuf *why)
{
	const struct jv *v = jv_get(o, k);

	*out = 0;
	if (has)
		*has = false;
	if (!v || v->type == JV_NULL) {
		if (required) {
			sbuf_addf(why, "no %s", k);
			return -1;
		}
		return 0;
	}
	if (v->type != JV_INT) {
		sbuf_addf(why, "%s is not an integer", k);
		return -1;
	}
	*out = v->i;
	if (has)
		*has = true;
	return 0;
}

static bool
one_of(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

/* Canonical JSON of a parsed value: keys in the order given, no spaces. */
static void
jv_write(struct sbuf *sb, const struct jv *v)
{
	size_t i;

	switch (v->type) {
	case JV_NULL: sbuf_addstr(sb, "null"); break;
	case JV_BOOL: sbuf_addstr(sb, v->b ? "true" : "false"); break;
	case JV_INT: sbuf_addf(sb, "%lld", v->i); break;
	case JV_DOUBLE: sbuf_addf(sb, "%.17g", v->d); break;
	case JV_STRING: json_put_str(sb, v->s); break;
	case JV_ARRAY:
		sbuf_addch(sb, '[');
		for (i = 0; i < v->n; i++) {
			if (i)
				sbuf_addch(sb, ',');
			jv_write(sb, &v->items[i]);
		}
		sbuf_addch(sb, ']');
		break;
	case JV_OBJECT:
		sbuf_addch(sb, '{');
		for (i = 0; i < v->n; i++) {
			if (i)
				sbuf_addch(sb, ',');
			json_put_key(sb, v->keys[i]);
			jv_write(sb, &v->items[i]);
		}
		sbuf_addch(sb, '}');
		break;
	}
}

static int
read_control(const struct jv *c, struct history_control_in *out, char **waiver, struct sbuf *why)
{
	const struct jv *w;

	memset(out, 0, sizeof(*out));
	*waiver = NULL;
	if (c->type != JV_OBJECT) {
		sbuf_addstr(why, "a control is not an object");
		return -1;
	}
	if (get_str(c, "id", 64, true, &out->id, why) == -1 ||
	    get_str(c, "result", 16, true, &out->result, why) == -1 ||
	    get_str(c, "state", 16, false, &out->state, why) == -1 ||
	    get_str(c, "severity", 16, false, &out->severity, why) == -1 ||
	    get_str(c, "title", 4096, false, &out->title, why) == -1 ||
	    get_str(c, "observed", EVIDENCE_MAX_LINE, false, &out->observed, why) == -1 ||
	    get_str(c, "expected", EVIDENCE_MAX_LINE, false, &out->expected, why) == -1 ||
	    get_str(c, "reason", EVIDENCE_MAX_LINE, false, &out->reason, why) == -1 ||
	    get_str(c, "hidden_result", 16, false, &out->hidden_result, why) == -1 ||
	    get_int(c, "version", false, &out->version, NULL, why) == -1) {
		sbuf_addf(why, " (control %s)", out->id ? out->id : "without id");
		return -1;
	}
	w = jv_get(c, "waiver");
	if (w && w->type != JV_NULL) {
		struct sbuf sb;

		if (w->type != JV_OBJECT) {
			sbuf_addf(why, "control %s: waiver is not an object", out->id);
			return -1;
		}
		sbuf_init(&sb, EVIDENCE_MAX_LINE);
		jv_write(&sb, w);
		*waiver = sbuf_detach(&sb);
		out->waiver_json = *waiver;
	}
	return 0;
}

static void
run_read_release(struct run_read *rr)
{
	size_t i;

	if (rr->waiver)
		for (i = 0; i < rr->r.ncontrols; i++)
			free(rr->waiver[i]);
	free(rr->waiver);
	free(rr->ctl);
	memset(rr, 0, sizeof(*rr));
}

/* Reads the "run" object of an evidence line; -1 with the reason in why. */
static int
read_run(const struct jv *run, struct run_read *rr, struct sbuf *why)
{
	struct history_run_in *r = &rr->r;
	const struct jv *b, *t, *c;
	const char *time;
	size_t i;

	memset(rr, 0, sizeof(*rr));
	if (get_str(run, "host", HISTORY_MAX_HOST, true, &r->host, why) == -1 ||
	    get_str(run, "check", 32, true, &r->family, why) == -1 ||
	    get_str(run, "time", 32, true, &time, why) == -1 ||
	    get_str(run, "target", HISTORY_MAX_HOST + 64, false, &r->target, why) == -1 ||
	    get_str(run, "state", 16, false, &r->state, why) == -1 ||
	    get_str(run, "error", EVIDENCE_MAX_LINE, false, &r->error, why) == -1 ||
	    get_str(run, "org", HISTORY_GROUPS_MAX_FIELD, false, &r->org, why) == -1 ||
	    get_int(run, "exit_code", false, &r->exit_code, NULL, why) == -1 ||
	    get_int(run, "compliance", false, &r->compliance, &r->has_compliance, why) == -1)
		return -1;
	if (history_parse_time(time, false, &r->time) == -1) {
		sbuf_addf(why, "time '%s' is not YYYY-MM-DDTHH:MM:SSZ", time);
		return -1;
	}
	if ((b = jv_get(run, "baseline")) && b->type != JV_NULL) {
		if (b->type != JV_OBJECT) {
			sbuf_addstr(why, "baseline is not an object");
			return -1;
		}
		if (get_str(b, "id", 255, false, &r->baseline_id, why) == -1 ||
		    get_str(b, "version", 255, false, &r->baseline_version, why) == -1 ||
		    get_str(b, "sha256", 64, false, &r->baseline_sha256, why) == -1 ||
		    get_str(b, "profile", 255, false, &r->profile, why) == -1)
			return -1;
	}
	if ((t = jv_get(run, "tailoring")) && t->type != JV_NULL) {
		if (t->type != JV_OBJECT) {
			sbuf_addstr(why, "tailoring is not an object");
			return -1;
		}
		if (get_str(t, "id", 255, false, &r->tailoring_id, why) == -1 ||
		    get_str(t, "version", 255, false, &r->tailoring_version, why) == -1)
			return -1;
	}
	c = jv_get(run, "controls");
	if (c && c->type != JV_NULL && c->type != JV_ARRAY) {
		sbuf_addstr(why, "controls is not an array");
		return -1;
	}
	if (!c || c->type == JV_NULL)
		return 0;
	if (c->n > HISTORY_MAX_CONTROLS) {
		sbuf_addf(why, "more than %u controls", HISTORY_MAX_CONTROLS);
		return -1;
	}
	rr->ctl = xcalloc(c->n ? c->n : 1, sizeof(*rr->ctl));
	rr->waiver = xcalloc(c->n ? c->n : 1, sizeof(*rr->waiver));
	r->controls = rr->ctl;
	for (i = 0; i < c->n; i++) {
		r->ncontrols = i + 1;
		if (read_control(&c->items[i], &rr->ctl[i], &rr->waiver[i], why) == -1)
			return -1;
	}
	return 0;
}

/*
 * Checks what history_store_run() promises to check; -1 with the reason in
 * why. Evidence lines were read with the same caps, other sources were not.
 */
static int
check_run(const struct history_run_in *r, struct sbuf *why)
{
	static const char *const results[] = { "PASS", "FAIL", "ERROR", "NA", "WAIVED", NULL };
	static const char *const states[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN", NULL };
	size_t i;

	if (!r->host || !r->host[0] || strlen(r->host) > HISTORY_MAX_HOST) {
		sbuf_addstr(why, r->host && r->host[0] ? "host too long" : "no host");
		return -1;
	}
	if (!r->family || !r->family[0] || strlen(r->family) > 32) {
		sbuf_addstr(why, "no check");
		return -1;
	}
	if (r->state && !one_of(r->state, states)) {
		sbuf_addf(why, "unknown state '%s'", r->state);
		return -1;
	}
	if (r->has_compliance && (r->compliance < 0 || r->compliance > 100)) {
		sbuf_addf(why, "compliance %lld outside 0..100", r->compliance);
		return -1;
	}
	if (r->ncontrols > HISTORY_MAX_CONTROLS) {
		sbuf_addf(why, "more than %u controls", HISTORY_MAX_CONTROLS);
		return -1;
	}
	for (i = 0; i < r->ncontrols; i++) {
		const struct history_control_in *c = &r->controls[i];

		if (!c->id || !c->id[0] || strlen(c->id) > 64) {
			sbuf_addstr(why, "a control without id");
			return -1;
		}
		if (!c->result || !one_of(c->result, results)) {
			sbuf_addf(why, "control %s: unknown result '%s'", c->id,
				  c->result ? c->result : "");
			return -1;
		}
		if (c->state && !one_of(c->state, states)) {
			sbuf_addf(why, "control %s: unknown state '%s'", c->id, c->state);
			return -1;
		}
		if (c->hidden_result && !one_of(c->hidden_result, results)) {
			sbuf_addf(why, "control %s: unknown hidden result '%s'", c->id,
				  c->hidden_result);
			return -1;
		}
	}
	return 0;
}

/* Appends a length-prefixed field, so that no two value tuples encode the same. */
static void
vfield(struct sbuf *sb, const char *s)
{
	char num[24];
	size_t n;

	if (!s) {
		sbuf_add(sb, "-;", 2);
		return;
	}
	n = strlen(s);
	sbuf_add(sb, num, (size_t)snprintf(num, sizeof(num), "%zu:", n));
	sbuf_add(sb, s, n);
	sbuf_addch(sb, ';');
}

/* The SHA-256 (hex) identifying a control's value; sb is scratch space. */
static void
value_hash(const struct history_control_in *c, const char *baseline_version, struct sbuf *sb,
	   char out[DIGEST_HEX_LEN + 1])
{
	sbuf_reset(sb);
	vfield(sb, c->result);
	vfield(sb, c->state);
	vfield(sb, c->severity);
	vfield(sb, c->observed);
	vfield(sb, c->expected);
	vfield(sb, c->reason);
	vfield(sb, c->waiver_json);
	vfield(sb, c->hidden_result);
	vfield(sb, baseline_version);
	sbuf_addf(sb, "%lld", c->version);
	digest_sha256_hex(sb->buf, sb->len, out);
}

/* ---- intervals ------------------------------------------------------------------- */

struct ivl {
	bool found;
	sqlite3_int64 id;
	long long from, to;
	char vhash[DIGEST_HEX_LEN + 1];
};

/* The interval of (series, control) with the largest from_time <= t (after: smallest > t). */
static int
ivl_find(struct history *h, enum stmt which, sqlite3_int64 series, const char *control,
	 long long t, struct ivl *out, struct errmsg *e)
{
	sqlite3_stmt *q = stmt(h, which);
	const unsigned char *vh;
	int rc;

	memset(out, 0, sizeof(*out));
	sqlite3_bind_int64(q, 1, series);
	bind_str(q, 2, control);
	sqlite3_bind_int64(q, 3, t);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		out->found = true;
		out->id = sqlite3_column_int64(q, 0);
		out->from = sqlite3_column_int64(q, 1);
		out->to = sqlite3_column_int64(q, 2);
		vh = sqlite3_column_text(q, 3);
		snprintf(out->vhash, sizeof(out->vhash), "%s", vh ? (const char *)vh : "");
		rc = sqlite3_step(q);
	}
	sqlite3_reset(q);
	if (rc != SQLITE_DONE)
		return db_error(h, e, "find interval");
	return 0;
}

static int
ivl_set(struct history *h, sqlite3_int64 id, long long from, long long to, struct errmsg *e)
{
	sqlite3_stmt *q = stmt(h, S_IVL_SET);

	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_int64(q, 2, from);
	sqlite3_bind_int64(q, 3, to);
	return step_done(h, q, e, "update interval");
}

static int
ivl_del(struct history *h, sqlite3_int64 id, struct errmsg *e)
{
	sqlite3_stmt *q = stmt(h, S_IVL_DEL);

	sqlite3_bind_int64(q, 1, id);
	return step_done(h, q, e, "delete interval");
}

static int
ivl_copy(struct history *h, sqlite3_int64 id, long long from, long long to, struct errmsg *e)
{
	sqlite3_stmt *q = stmt(h, S_IVL_COPY);

	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_int64(q, 2, from);
	sqlite3_bind_int64(q, 3, to);
	return step_done(h, q, e, "split interval");
}

static int
ivl_add(struct history *h, sqlite3_int64 series, const struct history_control_in *c,
	const char *vhash, const char *bversion, long long t, struct errmsg *e)
{
	sqlite3_stmt *q = stmt(h, S_IVL_ADD);

	sqlite3_bind_int64(q, 1, series);
	bind_str(q, 2, c->id);
	sqlite3_bind_int64(q, 3, c->version);
	bind_str(q, 4, c->result);
	bind_str(q, 5, c->state);
	bind_str(q, 6, c->severity);
	bind_str(q, 7, c->title);
	bind_str(q, 8, c->observed);
	bind_str(q, 9, c->expected);
	bind_str(q, 10, c->reason);
	bind_str(q, 11, c->waiver_json);
	bind_str(q, 12, c->hidden_result);
	bind_str(q, 13, bversion);
	bind_str(q, 14, vhash);
	sqlite3_bind_int64(q, 15, t);
	sqlite3_bind_int64(q, 16, t);
	return step_done(h, q, e, "add interval");
}

/*
 * The latest (S_RUN_MAX, over [lo, hi)) or earliest (S_RUN_MIN, over (lo, hi])
 * time of a run of the series that evaluated controls.
 */
static int
run_bound(struct history *h, enum stmt which, sqlite3_int64 series, long long lo, long long hi,
	  bool *found, long long *t, struct errmsg *e)
{
	sqlite3_stmt *q = stmt(h, which);
	int rc;

	*found = false;
	sqlite3_bind_int64(q, 1, series);
	sqlite3_bind_int64(q, 2, lo);
	sqlite3_bind_int64(q, 3, hi);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW && sqlite3_column_type(q, 0) != SQLITE_NULL) {
		*found = true;
		*t = sqlite3_column_int64(q, 0);
	}
	sqlite3_reset(q);
	if (rc != SQLITE_ROW)
		return db_error(h, e, "run times");
	return 0;
}

/*
 * Puts value c at time t where no interval holds t: joins the interval
 * before (P) or after (J) when it has the same value, else a new [t, t].
 */
static int
place(struct history *h, sqlite3_int64 series, const struct history_control_in *c,
      const char *vhash, const char *bversion, long long t, bool look_after, struct errmsg *e)
{
	struct ivl p, j = { 0 };
	bool same_p, same_j;

	if (ivl_find(h, S_IVL_AT, series, c->id, t, &p, e) == -1)
		return -1;
	if (look_after && ivl_find(h, S_IVL_AFTER, series, c->id, t, &j, e) == -1)
		return -1;
	same_p = p.found && strcmp(p.vhash, vhash) == 0;
	same_j = j.found && strcmp(j.vhash, vhash) == 0;
	if (same_p && same_j) {	/* t bridges two stretches of one value */
		if (ivl_del(h, j.id, e) == -1)
			return -1;
		return ivl_set(h, p.id, p.from, j.to, e);
	}
	if (same_p)
		return ivl_set(h, p.id, p.from, t, e);
	if (same_j)
		return ivl_set(h, j.id, t, j.to, e);
	return ivl_add(h, series, c, vhash, bversion, t, e);
}

/*
 * Fits control value c seen at time t into the intervals of the series. The
 * run itself is already in `runs`. in_order: t is at or after the newest run
 * of the series, so nothing can follow it.
 *
 * When t falls inside an interval I with another value, I is split: the left
 * part ends at the latest evaluating run before t, the right part starts at
 * the earliest evaluating run after t (the runs table knows both), and the
 * new value goes between them. Two runs in the same second: the one read
 * later decides that second.
 */
static int
fit_control(struct history *h, sqlite3_int64 series, const struct history_control_in *c,
	    const char *vhash, const char *bversion, long long t, bool in_order, struct errmsg *e)
{
	bool lfound, rfound;
	long long l = 0, r = 0;
	struct ivl i;

	if (ivl_find(h, S_IVL_AT, series, c->id, t, &i, e) == -1)
		return -1;
	if (!i.found || t > i.to)
		return place(h, series, c, vhash, bversion, t, !in_order, e);
	if (strcmp(i.vhash, vhash) == 0)
		return 0;	/* inside a stretch of the same value */
	if (run_bound(h, S_RUN_MAX, series, i.from, t, &lfound, &l, e) == -1 ||
	    run_bound(h, S_RUN_MIN, series, t, i.to, &rfound, &r, e) == -1)
		return -1;
	if (rfound && ivl_copy(h, i.id, r, i.to, e) == -1)
		return -1;
	if (lfound ? ivl_set(h, i.id, i.from, l, e) : ivl_del(h, i.id, e))
		return -1;
	return place(h, series, c, vhash, bversion, t, true, e);
}

/* ---- storing a run ----------------------------------------------------------------- */

/* The series of (host, family), created when new. */
static int
series_get(struct history *h, const char *host, const char *family, long long t,
	   struct series_c **out, bool *created, struct errmsg *e)
{
	size_t hl = strlen(host), fl = strlen(family), *at;
	char *key = xmalloc(hl + fl + 1);
	struct series_c *c;
	sqlite3_stmt *q;
	int rc;

	memcpy(key, host, hl);
	key[hl] = '\0';
	memcpy(key + hl + 1, family, fl);
	*created = false;
	if ((at = hmap_get(&h->series_map, key, hl + fl + 1))) {
		*out = &h->series[*at];
		free(key);
		return 0;
	}
	q = stmt(h, S_SERIES_ADD);
	bind_str(q, 1, host);
	bind_str(q, 2, family);
	sqlite3_bind_int64(q, 3, t);
	if (step_done(h, q, e, "add series") == -1)
		goto fail;
	*created = sqlite3_changes(h->db) > 0;
	h->series = xgrow(h->series, h->nseries + 1, &h->series_alloc, sizeof(*h->series));
	c = &h->series[h->nseries];
	memset(c, 0, sizeof(*c));
	q = stmt(h, S_SERIES_GET);
	bind_str(q, 1, host);
	bind_str(q, 2, family);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		c->id = sqlite3_column_int64(q, 0);
		c->newest = c->stored_newest = sqlite3_column_int64(q, 1);
	}
	sqlite3_reset(q);
	if (rc != SQLITE_ROW) {
		db_error(h, e, "find series");
		goto fail;
	}
	hmap_put(&h->series_map, key, hl + fl + 1, h->nseries);
	*out = &h->series[h->nseries++];
	free(key);
	return 0;
fail:
	free(key);
	return -1;
}

/* The id of the run's context (target, baseline, tailoring, org, group, source). */
static int
context_get(struct history *h, const struct history_run_in *r, const char *group,
	    const char *source, sqlite3_int64 *id, struct errmsg *e)
{
	const char *f[] = { r->target, r->baseline_id, r->baseline_version, r->baseline_sha256,
			    r->profile, r->tailoring_id, r->tailoring_version, r->org, group,
			    source };
	unsigned char hash[DIGEST_LEN];
	sqlite3_stmt *q;
	size_t i, *at;
	int rc;

	sbuf_reset(&h->scratch);
	for (i = 0; i < sizeof(f) / sizeof(*f); i++)
		vfield(&h->scratch, f[i]);
	digest_sha256(h->scratch.buf, h->scratch.len, hash);
	if ((at = hmap_get(&h->ctx_map, hash, sizeof(hash)))) {
		*id = h->ctx[*at];
		return 0;
	}
	q = stmt(h, S_CTX_GET);
	sqlite3_bind_blob(q, 1, hash, sizeof(hash), SQLITE_STATIC);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(q, 0);
	sqlite3_reset(q);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_error(h, e, "find context");
	if (rc == SQLITE_DONE) {
		q = stmt(h, S_CTX_ADD);
		for (i = 0; i < sizeof(f) / sizeof(*f); i++)
			bind_str(q, (int)i + 1, f[i]);
		if (!source)
			bind_str(q, 10, "");
		sqlite3_bind_blob(q, 11, hash, sizeof(hash), SQLITE_STATIC);
		if (step_done(h, q, e, "add context") == -1)
			return -1;
		*id = sqlite3_last_insert_rowid(h->db);
	}
	h->ctx = xgrow(h->ctx, h->nctx + 1, &h->ctx_alloc, sizeof(*h->ctx));
	h->ctx[h->nctx] = *id;
	hmap_put(&h->ctx_map, hash, sizeof(hash), h->nctx++);
	return 0;
}

/*
 * A control of a run at or after the newest of its series: extends the tip
 * in memory when the value repeats, else starts a new interval. Anything
 * unusual (two runs in one second with different values) takes fit_control().
 */
static int
fit_in_order(struct history *h, sqlite3_int64 series, const struct history_control_in *c,
	     const char *vhash, const char *bversion, long long t, struct errmsg *e)
{
	struct tip *tp = tip_get(h, series, c->id);
	struct ivl i;

	if (!tp->known) {
		if (ivl_find(h, S_IVL_AT, series, c->id, t, &i, e) == -1)
			return -1;
		tp->known = true;
		tp->found = i.found;
		tp->id = i.id;
		tp->from = i.from;
		tp->to = i.to;
		memcpy(tp->vhash, i.vhash, sizeof(tp->vhash));
	}
	if (tp->found && t <= tp->to) {
		/* the same second as the tip, or a store changed behind us: the general way */
		if (tips_flush(h, e) == -1)
			return -1;
		tp->known = false;
		return fit_control(h, series, c, vhash, bversion, t, true, e);
	}
	if (tp->found && strcmp(tp->vhash, vhash) == 0) {
		tp->to = t;
		tip_dirty(h, tp);
		return 0;
	}
	if (tp->dirty) {	/* the stretch that ends here: write its end now */
		sqlite3_stmt *q = stmt(h, S_IVL_TO);

		sqlite3_bind_int64(q, 1, tp->id);
		sqlite3_bind_int64(q, 2, tp->to);
		if (step_done(h, q, e, "update interval") == -1)
			return -1;
		tp->dirty = false;
	}
	if (ivl_add(h, series, c, vhash, bversion, t, e) == -1)
		return -1;
	tp->found = true;
	tp->id = sqlite3_last_insert_rowid(h->db);
	tp->from = tp->to = t;
	memcpy(tp->vhash, vhash, sizeof(tp->vhash));
	return 0;
}

static int
store_run(struct history *h, const struct history_run_in *r, const char *group,
	  const char *source, size_t line, const unsigned char key[HISTORY_KEY_LEN],
	  enum history_stored *how, struct errmsg *e)
{
	char vhash[DIGEST_HEX_LEN + 1];
	struct series_c *sc;
	sqlite3_int64 ctx;
	bool created, in_order;
	sqlite3_stmt *q;
	size_t i;

	if (series_get(h, r->host, r->family, r->time, &sc, &created, e) == -1 ||
	    context_get(h, r, group, source, &ctx, e) == -1)
		return -1;
	q = stmt(h, S_RUN_ADD);
	sqlite3_bind_int64(q, 1, sc->id);
	sqlite3_bind_int64(q, 2, r->time);
	bind_str(q, 3, r->state);
	sqlite3_bind_int64(q, 4, r->exit_code);
	if (r->has_compliance)
		sqlite3_bind_int64(q, 5, r->compliance);
	sqlite3_bind_int64(q, 6, (sqlite3_int64)r->ncontrols);
	sqlite3_bind_int64(q, 7, ctx);
	bind_str(q, 8, r->error);
	sqlite3_bind_int64(q, 9, (sqlite3_int64)line);
	sqlite3_bind_blob(q, 10, key, HISTORY_KEY_LEN, SQLITE_STATIC);
	if (step_done(h, q, e, "add run") == -1)
		return -1;
	if (sqlite3_changes(h->db) == 0) {
		*how = HISTORY_STORED_DUPLICATE;
		return 0;
	}
	in_order = created || r->time >= sc->newest;
	*how = in_order ? HISTORY_STORED_NEW : HISTORY_STORED_LATE;
	if (!in_order && tips_flush(h, e) == -1)
		return -1;
	for (i = 0; i < r->ncontrols; i++) {
		const struct history_control_in *c = &r->controls[i];

		value_hash(c, r->baseline_version, &h->scratch, vhash);
		if (in_order) {
			if (fit_in_order(h, sc->id, c, vhash, r->baseline_version, r->time, e) == -1)
				return -1;
			continue;
		}
		tip_get(h, sc->id, c->id)->known = false;
		if (fit_control(h, sc->id, c, vhash, r->baseline_version, r->time, false, e) == -1)
			return -1;
	}
	if (r->time > sc->newest) {
		sc->newest = r->time;
		sc->dirty = true;
	}
	return 0;
}

int
history_store_run(struct history *h, const struct history_run_in *r, const char *group,
		  const char *source, size_t source_line, const char *key,
		  enum history_stored *how, bool *refused, struct errmsg *e)
{
	unsigned char k[HISTORY_KEY_LEN];
	struct sbuf why;
	size_t i;

	*refused = false;
	sbuf_init(&why, 1024);
	if (check_run(r, &why) == -1) {
		*refused = true;
		errmsg_set(e, "run not stored: %s", sbuf_str(&why));
		sbuf_release(&why);
		return -1;
	}
	sbuf_release(&why);
	for (i = 0; i < HISTORY_KEY_LEN; i++) {
		int hi = key ? hexdigit(key[2 * i]) : -1, lo = hi < 0 ? -1 : hexdigit(key[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			*refused = true;
			errmsg_set(e, "run not stored: its key is not hex");
			return -1;
		}
		k[i] = (unsigned char)(hi * 16 + lo);
	}
	return store_run(h, r, group ? group : r->org, source, source_line, k, how, e);
}

/* ---- ingest ---------------------------------------------------------------------- */

/* Where reading a file starts or resumes. */
struct position {
	unsigned long long dev, ino;
	unsigned long long offset;
	size_t lines;
	char prev[DIGEST_HEX_LEN + 1];
};

static int
src_find(struct history *h, enum stmt which, const char *path, const struct stat *st,
	 struct position *p, bool *found, struct errmsg *e)
{
	sqlite3_stmt *q = stmt(h, which);
	const unsigned char *hash;
	int rc;

	*found = false;
	if (which == S_SRC_PATH) {
		bind_str(q, 1, path);
	} else {
		sqlite3_bind_int64(q, 1, (sqlite3_int64)st->st_dev);
		sqlite3_bind_int64(q, 2, (sqlite3_int64)st->st_ino);
	}
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		*found = true;
		p->dev = (unsigned long long)sqlite3_column_int64(q, 0);
		p->ino = (unsigned long long)sqlite3_column_int64(q, 1);
		p->offset = (unsigned long long)sqlite3_column_int64(q, 2);
		p->lines = (size_t)sqlite3_column_int64(q, 3);
		hash = sqlite3_column_text(q, 4);
		snprintf(p->prev, sizeof(p->prev), "%s", hash ? (const char *)hash : "");
		rc = sqlite3_step(q);
	}
	sqlite3_reset(q);
	if (rc != SQLITE_DONE)
		return db_error(h, e, "read sources");
	return 0;
}

static int
src_put(struct history *h, const char *path, const struct position *p, struct errmsg *e)
{
	sqlite3_stmt *q = stmt(h, S_SRC_PUT);

	bind_str(q, 1, path);
	sqlite3_bind_int64(q, 2, (sqlite3_int64)p->dev);
	sqlite3_bind_int64(q, 3, (sqlite3_int64)p->ino);
	sqlite3_bind_int64(q, 4, (sqlite3_int64)p->offset);
	sqlite3_bind_int64(q, 5, (sqlite3_int64)p->lines);
	bind_str(q, 6, p->prev);
	sqlite3_bind_int64(q, 7, (sqlite3_int64)time(NULL));
	return step_done(h, q, e, "save position");
}

/* flock(fd, op | LOCK_NB), retried for LOCK_WAIT_MS. */
static int
lock_file(int fd, int op)
{
	const struct timespec nap = { 0, 5 * 1000 * 1000 };
	int waited = 0;

	for (;;) {
		if (flock(fd, op | LOCK_NB) == 0)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK || waited >= LOCK_WAIT_MS)
			return -1;
		nanosleep(&nap, NULL);
		waited += 5;
	}
}

/*
 * Reads up to n bytes at off under a shared lock, so that we never see a
 * line a writer is still appending and may cut off again (evidence.c).
 */
static ssize_t
read_locked(int fd, char *buf, size_t n, unsigned long long off)
{
	ssize_t got;
	int saved;

	if (lock_file(fd, LOCK_SH) == -1)
		return -1;
	do
		got = pread(fd, buf, n, (off_t)off);
	while (got == -1 && errno == EINTR);
	saved = errno;
	flock(fd, LOCK_UN);
	errno = saved;
	return got;
}

/* Whether the line that ends just before p->offset hashes to p->prev. */
static bool
resume_point_holds(int fd, const struct position *p)
{
	size_t want = p->offset < EVIDENCE_MAX_LINE + 2 ? (size_t)p->offset : EVIDENCE_MAX_LINE + 2;
	unsigned long long from = p->offset - want;
	char hex[DIGEST_HEX_LEN + 1], *buf, *nl;
	const char *line;
	bool ok = false;
	ssize_t got;

	if (p->offset == 0)
		return p->lines == 0 && p->prev[0] == '\0';
	buf = xmalloc(want);
	got = read_locked(fd, buf, want, from);
	if (got != (ssize_t)want || buf[want - 1] != '\n')
		goto out;
	nl = want > 1 ? memrchr(buf, '\n', want - 1) : NULL;
	if (nl)
		line = nl + 1;
	else if (from == 0)
		line = buf;
	else
		goto out;
	digest_sha256_hex(line, (size_t)(buf + want - 1 - line), hex);
	ok = strcmp(hex, p->prev) == 0;
out:
	free(buf);
	return ok;
}

/*
 * Where to start in the file: the stored position of this path, else of this
 * inode (a renamed log), when the file is still the same; else the start.
 */
static int
start_position(struct history *h, const char *path, int fd, const struct stat *st,
	       struct position *p, bool *restarted, struct errmsg *e)
{
	bool found, known_path;

	*restarted = false;
	if (src_find(h, S_SRC_PATH, path, st, p, &found, e) == -1)
		return -1;
	known_path = found;
	if (found && (p->dev != (unsigned long long)st->st_dev ||
		      p->ino != (unsigned long long)st->st_ino))
		found = false;
	if (!found && src_find(h, S_SRC_INODE, path, st, p, &found, e) == -1)
		return -1;
	if (found && p->offset <= (unsigned long long)st->st_size && resume_point_holds(fd, p))
		return 0;
	*restarted = known_path;
	memset(p, 0, sizeof(*p));
	p->dev = (unsigned long long)st->st_dev;
	p->ino = (unsigned long long)st->st_ino;
	return 0;
}

struct ingest {
	struct history *h;
	const char *path;	/* canonical, as stored */
	const struct history_groups *groups;
	const struct history_ingest_hooks *hooks;
	struct history_ingest_stats *stats;
	const struct history_line_reader *reader;	/* NULL: evidence */
	const char *kind;	/* "evidence" or "perfdata", for messages */
	struct position pos;
	bool store_failed;	/* the batch in progress is damaged: roll it back */
};

static void
ingest_warn(const struct ingest *in, const char *fmt, ...) CB_PRINTF(2, 3);

static void
ingest_warn(const struct ingest *in, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (!in->hooks || !in->hooks->warn)
		return;
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	in->hooks->warn(in->hooks->ctx, msg);
	free(msg);
}

/* Commits the batch with the position reached; opens the next one when `more`. */
static int
commit(struct ingest *in, bool more, struct errmsg *e)
{
	if (src_put(in->h, in->path, &in->pos, e) == -1 || history_commit(in->h, e) == -1)
		return -1;
	return more ? history_begin(in->h, e) : 0;
}

/*
 * The end of a file: its position joins the transaction, which is committed
 * unless history_hold() asked to share it with the next file and the batch
 * is not full.
 */
static int
file_done(struct ingest *in, struct errmsg *e)
{
	if (in->h->hold && in->h->pending < in->h->batch)
		return src_put(in->h, in->path, &in->pos, e);
	return commit(in, false, e);
}

static void
hex_of(const unsigned char key[DIGEST_LEN], char hex[DIGEST_HEX_LEN + 1])
{
	size_t i;

	for (i = 0; i < DIGEST_LEN; i++) {
		hex[2 * i] = "0123456789abcdef"[key[i] >> 4];
		hex[2 * i + 1] = "0123456789abcdef"[key[i] & 15];
	}
	hex[DIGEST_HEX_LEN] = '\0';
}

/* The line is done: move the position past it, commit when the batch is full. */
static int
advance(struct ingest *in, size_t len, const char hex[DIGEST_HEX_LEN + 1], struct errmsg *e)
{
	in->stats->lines++;
	in->stats->bytes += len + 1;
	in->pos.lines++;
	in->pos.offset += len + 1;
	memcpy(in->pos.prev, hex, DIGEST_HEX_LEN + 1);
	if (++in->h->pending >= in->h->batch && commit(in, true, e) == -1) {
		in->store_failed = true;
		return -1;
	}
	return 0;
}

/*
 * A line of another format (a perfdata file): the reader makes the run, the
 * line's SHA-256 is its key. Lines that are not ours are skipped; a line the
 * reader refuses is counted and named, and reading goes on (there is no
 * chain to break).
 */
static int
take_other_line(struct ingest *in, const char *text, size_t len, struct errmsg *e)
{
	unsigned char key[DIGEST_LEN];
	char hex[DIGEST_HEX_LEN + 1];
	struct history_run_in r;
	enum history_stored how;
	struct sbuf why;
	struct errmsg pe;
	size_t n = in->pos.lines + 1;
	int got, rc = 0;

	digest_sha256(text, len, key);
	hex_of(key, hex);
	memset(&r, 0, sizeof(r));
	got = in->reader->parse(in->reader->ctx, text, len, &r, &pe);
	if (got == 0) {
		in->stats->skipped++;
	} else if (got < 0) {
		in->stats->refused++;
		ingest_warn(in, "line %zu: run not stored: %s", n, pe.msg);
	} else {
		sbuf_init(&why, 1024);
		if (check_run(&r, &why) == -1) {
			in->stats->refused++;
			ingest_warn(in, "line %zu: run not stored: %s", n, sbuf_str(&why));
		} else {
			rc = store_run(in->h, &r, r.org && r.org[0] ? r.org
					       : history_groups_find(in->groups, r.host),
				       in->path, n, key, &how, e);
			in->store_failed = rc == -1;
			if (rc == 0) {
				in->stats->stored += how != HISTORY_STORED_DUPLICATE;
				in->stats->late += how == HISTORY_STORED_LATE;
				in->stats->duplicate += how == HISTORY_STORED_DUPLICATE;
			}
		}
		sbuf_release(&why);
	}
	if (got != 0 && in->reader->release)
		in->reader->release(in->reader->ctx, &r);
	if (rc == -1)
		return -1;
	return advance(in, len, hex, e);
}

/* One complete line (without its newline): check, store, move the position. */
static int
take_line(struct ingest *in, const char *text, size_t len, struct errmsg *e)
{
	unsigned char key[DIGEST_LEN];
	char hex[DIGEST_HEX_LEN + 1];
	size_t n = in->pos.lines + 1;
	struct run_read rr;
	struct sbuf why;
	struct jv *doc;
	enum history_stored how;
	int rc = 0;

	if (in->reader)
		return take_other_line(in, text, len, e);
	if (evidence_check_line(text, len, n, in->pos.prev, &doc, e) == -1) {
		in->stats->bad_line = n;
		return -1;
	}
	digest_sha256(text, len, key);
	hex_of(key, hex);
	sbuf_init(&why, 1024);
	if (read_run(jv_get(doc, "run"), &rr, &why) == -1 || check_run(&rr.r, &why) == -1) {
		in->stats->refused++;
		ingest_warn(in, "line %zu: run not stored: %s", n, sbuf_str(&why));
	} else {
		rc = store_run(in->h, &rr.r, rr.r.org && rr.r.org[0] ? rr.r.org
				       : history_groups_find(in->groups, rr.r.host),
			       in->path, n, key, &how, e);
		in->store_failed = rc == -1;
		if (rc == 0) {
			in->stats->stored += how != HISTORY_STORED_DUPLICATE;
			in->stats->late += how == HISTORY_STORED_LATE;
			in->stats->duplicate += how == HISTORY_STORED_DUPLICATE;
		}
	}
	run_read_release(&rr);
	sbuf_release(&why);
	jv_free(doc);
	if (rc == -1)
		return -1;
	return advance(in, len, hex, e);
}

/* Reads from in->pos to the end of the file; -1 on a bad line or a read error. */
static int
read_lines(struct ingest *in, int fd, unsigned long long size, struct errmsg *e)
{
	const size_t cap = EVIDENCE_MAX_LINE + 1 + READ_CHUNK;
	unsigned long long at = in->pos.offset, start = in->pos.offset;
	size_t have = 0, used = 0, scan = 0, len;
	char *buf = xmalloc(cap), *nl;
	ssize_t got;
	int rc = -1;

	for (;;) {
		nl = memchr(buf + scan, '\n', have - scan);
		if (nl) {
			len = (size_t)(nl - (buf + used));
			if (len > EVIDENCE_MAX_LINE)
				goto too_long;
			if (take_line(in, buf + used, len, e) == -1)
				goto out;
			used = scan = (size_t)(nl + 1 - buf);
			continue;
		}
		if (have - used > EVIDENCE_MAX_LINE)
			goto too_long;
		if (in->hooks && in->hooks->progress)
			in->hooks->progress(in->hooks->ctx, in->pos.offset - start,
					    size > start ? size - start : 0);
		memmove(buf, buf + used, have - used);
		have -= used;
		used = 0;
		scan = have;
		got = read_locked(fd, buf + have, cap - have, at);
		if (got == -1) {
			errmsg_set(e, "cannot read %s '%s': %s", in->kind, in->path,
				   errno == EWOULDBLOCK ? "locked by another process" : strerror(errno));
			goto out;
		}
		if (got == 0) {
			in->stats->partial = have > 0;
			rc = 0;
			goto out;
		}
		have += (size_t)got;
		at += (unsigned long long)got;
		if (at > EVIDENCE_MAX_FILE) {
			errmsg_set(e, "%s '%s': larger than %llu bytes", in->kind, in->path,
				   EVIDENCE_MAX_FILE);
			goto out;
		}
	}
too_long:
	in->stats->bad_line = in->pos.lines + 1;
	errmsg_set(e, "line %zu: longer than %u bytes", in->pos.lines + 1, EVIDENCE_MAX_LINE);
out:
	free(buf);
	return rc;
}

int
history_ingest_file(struct history *h, const char *path, const struct history_groups *groups,
		    const struct history_ingest_hooks *hooks, struct history_ingest_stats *stats,
		    struct errmsg *e)
{
	return history_ingest_lines(h, path, NULL, groups, hooks, stats, e);
}

int
history_ingest_lines(struct history *h, const char *path, const struct history_line_reader *rd,
		     const struct history_groups *groups, const struct history_ingest_hooks *hooks,
		     struct history_ingest_stats *stats, struct errmsg *e)
{
	struct ingest in = { .h = h, .groups = groups, .hooks = hooks, .stats = stats,
			     .reader = rd, .kind = rd ? "perfdata" : "evidence" };
	struct errmsg e2;
	struct stat st;
	char *canon = NULL;
	int fd, rc = -1;

	memset(stats, 0, sizeof(*stats));
	if (h->mode != HISTORY_WRITE) {
		errmsg_set(e, "history '%s': opened read-only", h->path);
		return -1;
	}
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd == -1) {
		errmsg_set(e, "cannot read %s '%s': %s", in.kind, path,
			   errno == ELOOP ? "is a symbolic link" : strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		errmsg_set(e, "cannot read %s '%s': not a regular file", in.kind, path);
		goto out;
	}
	if (!(canon = realpath(path, NULL))) {
		errmsg_set(e, "cannot read %s '%s': %s", in.kind, path, strerror(errno));
		goto out;
	}
	in.path = canon;
	if (history_begin(h, e) == -1)
		goto out;
	if (start_position(h, canon, fd, &st, &in.pos, &stats->restarted, e) == -1)
		goto rollback;
	if (stats->restarted)
		ingest_warn(&in, "replaced or cut since the last ingest: read from the start");
	if (read_lines(&in, fd, (unsigned long long)st.st_size, e) == -1) {
		if (in.store_failed)
			goto rollback;
		/* keep what came before the bad line; e says why we stopped */
		if (file_done(&in, &e2) == -1) {
			*e = e2;
			goto rollback;
		}
		goto out;
	}
	if (file_done(&in, e) == -1)
		goto rollback;
	rc = 0;
	goto out;
rollback:
	history_rollback(h);
	stats->rolled_back = true;
out:
	free(canon);
	close(fd);
	return rc;
}

/* ---- what was in force at a time ---------------------------------------------------- */

/* The run in force of one series at a time. */
struct inforce {
	sqlite3_int64 series, run;
	char *host, *family, *grp;
	const char *hostgroup;	/* the group of the host's newest run in force */
	long long time;
	long long last;		/* the series' latest run that evaluated controls */
	int compliance;		/* -1: none */
};

/*
 * The controls a run saw are the intervals with from_time <= its time <=
 * to_time. Two ways to find them, chosen per series:
 *
 *  - the run is the series' latest that evaluated controls (a report of
 *    "now"): no interval ends after it, so the index on (series, to_time)
 *    reads just the open ones;
 *  - an older run: that index would read every interval that ends after it,
 *    which grows with the history since. Instead, seek each control of the
 *    series (a skip scan of the (series, control, from_time) index) and its
 *    value at that time: two index seeks per control, whatever the history.
 */
#define CTL_COLUMNS "control, control_version, result, state, severity, title, observed, " \
		    "expected, reason, hidden_result, baseline_version, waiver, from_time, to_time"
#define CTL_NOW_SQL(cols, cond) \
	"SELECT " cols " FROM intervals WHERE series = ?1 AND to_time >= ?2 " \
	"AND from_time <= ?2" cond " ORDER BY control"
#define CTL_PAST_SQL(cols, cond) \
	"WITH RECURSIVE ctl(id) AS (" \
	"  SELECT (SELECT control FROM intervals WHERE series = ?1 ORDER BY control LIMIT 1)" \
	"  UNION ALL SELECT (SELECT control FROM intervals WHERE series = ?1 " \
	"    AND control > ctl.id ORDER BY control LIMIT 1) FROM ctl WHERE ctl.id IS NOT NULL) " \
	"SELECT " cols " FROM ctl JOIN intervals ON intervals.id = (SELECT id FROM intervals " \
	"  WHERE series = ?1 AND control = ctl.id AND from_time <= ?2 " \
	"  ORDER BY from_time DESC LIMIT 1) " \
	"WHERE to_time >= ?2" cond " ORDER BY control"

static void
inforce_release(struct inforce *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].host);
		free(v[i].family);
		free(v[i].grp);
	}
	free(v);
}

/*
 * The run in force at `at` of every series (of host, when not NULL): the
 * latest run at or before `at` that evaluated controls. Sorted by host, then
 * family; each row's hostgroup set from the host's newest such run.
 */
static int
inforce_collect(struct history *h, long long at, const char *host, struct inforce **out,
		size_t *nout, struct errmsg *e)
{
	static const char sql[] =
		"SELECT s.id, s.host, s.family, r.id, r.time, c.grp, r.compliance, "
		"(SELECT max(r3.time) FROM runs r3 WHERE r3.series = s.id AND r3.ncontrols > 0) "
		"FROM series s JOIN runs r ON r.id = (SELECT r2.id FROM runs r2 "
		"  WHERE r2.series = s.id AND r2.ncontrols > 0 AND r2.time <= ?1 "
		"  ORDER BY r2.time DESC, r2.id DESC LIMIT 1) JOIN contexts c ON c.id = r.context "
		"WHERE ?2 IS NULL OR s.host = ?2 ORDER BY s.host, s.family";
	struct inforce *v = NULL;
	size_t n = 0, alloc = 0, i, j, k, best;
	sqlite3_stmt *q;
	int rc;

	*out = NULL;
	*nout = 0;
	if (sqlite3_prepare_v2(h->db, sql, -1, &q, NULL) != SQLITE_OK)
		return db_error(h, e, "runs in force");
	sqlite3_bind_int64(q, 1, at);
	bind_str(q, 2, host);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		v = xgrow(v, n + 1, &alloc, sizeof(*v));
		v[n].series = sqlite3_column_int64(q, 0);
		v[n].host = col_dup(q, 1);
		v[n].family = col_dup(q, 2);
		v[n].run = sqlite3_column_int64(q, 3);
		v[n].time = sqlite3_column_int64(q, 4);
		v[n].grp = col_dup(q, 5);
		v[n].compliance = sqlite3_column_type(q, 6) == SQLITE_NULL ? -1
								     : sqlite3_column_int(q, 6);
		v[n].last = sqlite3_column_int64(q, 7);
		v[n].hostgroup = NULL;
		n++;
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE) {
		inforce_release(v, n);
		return db_error(h, e, "runs in force");
	}
	for (i = 0; i < n; i = j) {
		best = i;
		for (j = i; j < n && strcmp(v[j].host, v[i].host) == 0; j++)
			if (v[j].time > v[best].time)
				best = j;
		for (k = i; k < j; k++)
			v[k].hostgroup = v[best].grp;
	}
	*out = v;
	*nout = n;
	return 0;
}

static bool
group_matches(const char *want, const char *have)
{
	return !want || (have && strcmp(want, have) == 0);
}

/* ---- status ---------------------------------------------------------------------- */

static struct history_waiver *
waiver_parse(const char *json)
{
	struct history_waiver *w;
	struct errmsg ignored;
	const struct jv *v;
	struct jv *doc;
	char **dst[5];
	static const char *const keys[] = { "justification", "approved_by", "ticket", "created",
					    "expires" };
	size_t i;

	if (!json || json_parse(json, strlen(json), "waiver", &doc, &ignored) == -1)
		return NULL;
	w = xcalloc(1, sizeof(*w));
	dst[0] = &w->justification;
	dst[1] = &w->approved_by;
	dst[2] = &w->ticket;
	dst[3] = &w->created;
	dst[4] = &w->expires;
	for (i = 0; i < NELEM(keys); i++)
		if ((v = jv_get(doc, keys[i])) && v->type == JV_STRING)
			*dst[i] = xstrdup(v->s);
	jv_free(doc);
	return w;
}

static void
waiver_free(struct history_waiver *w)
{
	if (!w)
		return;
	free(w->justification);
	free(w->approved_by);
	free(w->ticket);
	free(w->created);
	free(w->expires);
	free(w);
}

static int
status_run(struct history *h, const struct inforce *f, long long at, struct history_run *out,
	   struct errmsg *e)
{
	static const char run_sql[] =
		"SELECT c.target, r.state, r.exit_code, r.compliance, c.baseline_id, "
		"c.baseline_version, c.baseline_sha256, c.profile, c.tailoring_id, "
		"c.tailoring_version FROM runs r JOIN contexts c ON c.id = r.context WHERE r.id = ?1";
	static const char later_sql[] =
		"SELECT time, error FROM runs WHERE series = ?1 AND time > ?2 AND time <= ?3 "
		"AND ncontrols = 0 ORDER BY time DESC, id DESC LIMIT 1";
	static const char now_sql[] = CTL_NOW_SQL(CTL_COLUMNS, "");
	static const char past_sql[] = CTL_PAST_SQL(CTL_COLUMNS, "");
	struct history_control *c;
	sqlite3_stmt *q = NULL;
	size_t alloc = 0;
	char day[11], tbuf[32];
	int rc;

	memset(out, 0, sizeof(*out));
	out->host = xstrdup(f->host);
	out->family = xstrdup(f->family);
	out->group = f->hostgroup ? xstrdup(f->hostgroup) : NULL;
	out->time = f->time;
	if (sqlite3_prepare_v2(h->db, run_sql, -1, &q, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_int64(q, 1, f->run);
	if (sqlite3_step(q) != SQLITE_ROW)
		goto fail;
	out->target = col_dup(q, 0);
	out->state = col_dup(q, 1);
	out->exit_code = sqlite3_column_int(q, 2);
	out->compliance = sqlite3_column_type(q, 3) == SQLITE_NULL ? -1 : sqlite3_column_int(q, 3);
	out->baseline_id = col_dup(q, 4);
	out->baseline_version = col_dup(q, 5);
	out->baseline_sha256 = col_dup(q, 6);
	out->profile = col_dup(q, 7);
	out->tailoring_id = col_dup(q, 8);
	out->tailoring_version = col_dup(q, 9);
	sqlite3_finalize(q);

	if (sqlite3_prepare_v2(h->db, later_sql, -1, &q, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_int64(q, 1, f->series);
	sqlite3_bind_int64(q, 2, f->time);
	sqlite3_bind_int64(q, 3, at);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		out->unevaluated_time = sqlite3_column_int64(q, 0);
		out->unevaluated_error = col_dup(q, 1);
	} else if (rc != SQLITE_DONE) {
		goto fail;
	}
	sqlite3_finalize(q);

	history_format_time(at, tbuf);
	memcpy(day, tbuf, 10);
	day[10] = '\0';
	if (sqlite3_prepare_v2(h->db, f->time >= f->last ? now_sql : past_sql, -1, &q, NULL) !=
	    SQLITE_OK)
		goto fail;
	sqlite3_bind_int64(q, 1, f->series);
	sqlite3_bind_int64(q, 2, f->time);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		out->controls = xgrow(out->controls, out->ncontrols + 1, &alloc,
				      sizeof(*out->controls));
		c = &out->controls[out->ncontrols++];
		memset(c, 0, sizeof(*c));
		c->id = col_dup(q, 0);
		c->version = sqlite3_column_int(q, 1);
		c->result = col_dup(q, 2);
		c->state = col_dup(q, 3);
		c->severity = col_dup(q, 4);
		c->title = col_dup(q, 5);
		c->observed = col_dup(q, 6);
		c->expected = col_dup(q, 7);
		c->reason = col_dup(q, 8);
		c->hidden_result = col_dup(q, 9);
		c->baseline_version = col_dup(q, 10);
		c->waiver_json = col_dup(q, 11);
		c->since = sqlite3_column_int64(q, 12);
		c->last_seen = sqlite3_column_int64(q, 13);
		c->waiver = waiver_parse(c->waiver_json);
		c->waiver_expired = c->waiver && c->waiver->expires &&
				    strcmp(c->waiver->expires, day) < 0;
	}
	if (rc != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(q);
	return 0;
fail:
	db_error(h, e, "status");
	sqlite3_finalize(q);
	return -1;
}

static void
run_release(struct history_run *r)
{
	size_t i;

	for (i = 0; i < r->ncontrols; i++) {
		struct history_control *c = &r->controls[i];

		free(c->id);
		free(c->result);
		free(c->state);
		free(c->severity);
		free(c->title);
		free(c->observed);
		free(c->expected);
		free(c->reason);
		free(c->hidden_result);
		free(c->baseline_version);
		free(c->waiver_json);
		waiver_free(c->waiver);
	}
	free(r->controls);
	free(r->host);
	free(r->family);
	free(r->group);
	free(r->target);
	free(r->state);
	free(r->baseline_id);
	free(r->baseline_version);
	free(r->baseline_sha256);
	free(r->profile);
	free(r->tailoring_id);
	free(r->tailoring_version);
	free(r->unevaluated_error);
}

int
history_status(struct history *h, long long at, const char *host, const char *group,
	       struct history_status *out, struct errmsg *e)
{
	struct inforce *v;
	size_t n, i, alloc = 0;

	memset(out, 0, sizeof(*out));
	out->at = at;
	progress_start(h, 0);
	if (inforce_collect(h, at, host, &v, &n, e) == -1)
		return -1;
	h->total = n;
	for (i = 0; i < n; i++) {
		h->done = i;
		tick(h);
		if (!group_matches(group, v[i].hostgroup))
			continue;
		out->runs = xgrow(out->runs, out->n + 1, &alloc, sizeof(*out->runs));
		if (status_run(h, &v[i], at, &out->runs[out->n], e) == -1) {
			run_release(&out->runs[out->n]);
			inforce_release(v, n);
			history_status_release(out);
			return -1;
		}
		out->n++;
	}
	inforce_release(v, n);
	return 0;
}

void
history_status_release(struct history_status *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->n; i++)
		run_release(&s->runs[i]);
	free(s->runs);
	s->runs = NULL;
	s->n = 0;
}

/* ---- trend ----------------------------------------------------------------------- */

/*
 * Per host (rows are sorted by host) the mean compliance of its series; then
 * the mean of those over the hosts of group. Sets *hosts and *mean.
 */
static void
mean_over_hosts(const struct inforce *v, size_t n, const char *group, size_t *hosts,
		double *mean)
{
	size_t i, j, k, m;
	double sum = 0, hsum;

	*hosts = 0;
	for (i = 0; i < n; i = j) {
		hsum = 0;
		m = 0;
		for (j = i; j < n && strcmp(v[j].host, v[i].host) == 0; j++)
			;
		if (!group_matches(group, v[i].hostgroup))
			continue;
		for (k = i; k < j; k++)
			if (v[k].compliance >= 0) {
				hsum += v[k].compliance;
				m++;
			}
		if (m) {
			sum += hsum / (double)m;
			(*hosts)++;
		}
	}
	*mean = *hosts ? sum / (double)*hosts : 0;
}

int
history_trend(struct history *h, long from_day, long to_day, const char *group,
	      struct history_trend *out, struct errmsg *e)
{
	struct inforce *v;
	char tbuf[32];
	size_t n;
	long d;

	memset(out, 0, sizeof(*out));
	if (from_day < 0 || to_day < from_day || to_day - from_day >= HISTORY_MAX_DAYS) {
		errmsg_set(e, "trend: from must not be after to, and at most %u days",
			   HISTORY_MAX_DAYS);
		return -1;
	}
	out->days = xcalloc((size_t)(to_day - from_day + 1), sizeof(*out->days));
	progress_start(h, (size_t)(to_day - from_day + 1));
	for (d = from_day; d <= to_day; d++) {
		struct history_day *day = &out->days[out->n];

		h->done = out->n;
		tick(h);

		day->end = (long long)d * 86400 + 86399;
		history_format_time(day->end, tbuf);
		memcpy(day->date, tbuf, 10);
		day->date[10] = '\0';
		if (inforce_collect(h, day->end, NULL, &v, &n, e) == -1) {
			history_trend_release(out);
			return -1;
		}
		mean_over_hosts(v, n, group, &day->hosts, &day->compliance);
		inforce_release(v, n);
		out->n++;
	}
	return 0;
}

void
history_trend_release(struct history_trend *t)
{
	if (!t)
		return;
	free(t->days);
	t->days = NULL;
	t->n = 0;
}

/* ---- benchmark ------------------------------------------------------------------- */

/* Names in byte order, NULL (no group) last. */
static int
cmp_name(const char *a, const char *b)
{
	if (!a || !b)
		return (a == NULL) - (b == NULL);
	return strcmp(a, b);
}

/* Index of the group named name (NULL: no group) in b, added when new. */
static size_t
bench_group(struct history_bench *b, const char *name, size_t *alloc)
{
	size_t i;

	for (i = 0; i < b->ngroups; i++)
		if (cmp_name(b->groups[i].name, name) == 0)
			return i;
	b->groups = xgrow(b->groups, b->ngroups + 1, alloc, sizeof(*b->groups));
	memset(&b->groups[b->ngroups], 0, sizeof(*b->groups));
	b->groups[b->ngroups].name = name ? xstrdup(name) : NULL;
	return b->ngroups++;
}

static int
cmp_bench_group(const void *a, const void *b)
{
	return cmp_name(((const struct history_bench_group *)a)->name,
			((const struct history_bench_group *)b)->name);
}

/* "A".."Z", "AA".."AZ", "BA", ... as spreadsheets name columns. */
static char *
letters(size_t i)
{
	char buf[16];
	size_t k = sizeof(buf) - 1;

	buf[k] = '\0';
	i++;
	while (i && k) {
		buf[--k] = (char)('A' + (i - 1) % 26);
		i = (i - 1) / 26;
	}
	return xasprintf("Group %s", buf + k);
}

struct failing {		/* one failing control: which host, which group */
	char *id, *title, *severity, *host;
	const char *gname;	/* the host's group name (in the rows in force) */
	size_t group;		/* its index in the sorted groups */
};

static int
cmp_failing(const void *a, const void *b)
{
	const struct failing *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	return c ? c : strcmp(x->host, y->host);
}

static int
cmp_top(const void *a, const void *b)
{
	const struct history_bench_control *x = a, *y = b;

	if (x->hosts != y->hosts)
		return x->hosts > y->hosts ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* The failing controls of the run in force f, appended to *fl. */
static int
bench_failing(struct history *h, sqlite3_stmt *q, const struct inforce *f, struct failing **fl, size_t *nfl, size_t *alloc, struct history_bench_group *g,
	      struct errmsg *e)
{
	bool critical = false;
	int rc;

	sqlite3_reset(q);
	sqlite3_bind_int64(q, 1, f->series);
	sqlite3_bind_int64(q, 2, f->time);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct failing *x;

		*fl = xgrow(*fl, *nfl + 1, alloc, sizeof(**fl));
		x = &(*fl)[(*nfl)++];
		x->id = col_dup(q, 0);
		x->title = col_dup(q, 1);
		x->severity = col_dup(q, 2);
		x->host = xstrdup(f->host);
		x->gname = f->hostgroup;
		if (x->severity && strcmp(x->severity, "critical") == 0) {
			g->critical_failing++;
			critical = true;
		}
	}
	if (rc != SQLITE_DONE)
		return db_error(h, e, "failing controls");
	return critical ? 1 : 0;
}

int
history_benchmark(struct history *h, long long at, bool anonymise, struct history_bench *out,
		  struct errmsg *e)
{
	static const char now_sql[] =
		CTL_NOW_SQL("control, title, severity", " AND result = 'FAIL'");
	static const char past_sql[] =
		CTL_PAST_SQL("control, title, severity", " AND result = 'FAIL'");
	sqlite3_stmt *qpast = NULL;
	struct failing *fl = NULL;
	struct inforce *v = NULL;
	size_t n = 0, nfl = 0, afl = 0, ag = 0, atop = 0, i, j, m;
	sqlite3_stmt *q = NULL;
	double hsum;
	int rc = -1, crit;
	bool host_crit;

	memset(out, 0, sizeof(*out));
	out->at = at;
	progress_start(h, 0);
	if (inforce_collect(h, at, NULL, &v, &n, e) == -1)
		return -1;
	h->total = n;
	if (sqlite3_prepare_v2(h->db, now_sql, -1, &q, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(h->db, past_sql, -1, &qpast, NULL) != SQLITE_OK) {
		db_error(h, e, "failing controls");
		goto out;
	}
	/* per host: its group, its compliance, its failing controls */
	for (i = 0; i < n; i = j) {
		size_t g = bench_group(out, v[i].hostgroup, &ag);

		hsum = 0;
		m = 0;
		host_crit = false;
		h->done = i;
		tick(h);
		for (j = i; j < n && strcmp(v[j].host, v[i].host) == 0; j++) {
			if (v[j].compliance >= 0) {
				hsum += v[j].compliance;
				m++;
			}
			crit = bench_failing(h, v[j].time >= v[j].last ? q : qpast, &v[j], &fl,
					     &nfl, &afl, &out->groups[g], e);
			if (crit == -1)
				goto out;
			host_crit |= crit == 1;
		}
		out->groups[g].hosts++;
		out->groups[g].hosts_critical += host_crit;
		if (m) {
			out->groups[g].compliance += hsum / (double)m;	/* a sum until below */
			out->groups[g].hosts_with_compliance++;
		}
	}
	for (i = 0; i < out->ngroups; i++)
		if (out->groups[i].hosts_with_compliance)
			out->groups[i].compliance /= (double)out->groups[i].hosts_with_compliance;

	/* groups in name order, and each failing row's group index in that order */
	if (out->ngroups)
		qsort(out->groups, out->ngroups, sizeof(*out->groups), cmp_bench_group);
	for (i = 0; i < nfl; i++) {
		struct history_bench_group key = { .name = (char *)(uintptr_t)fl[i].gname }, *hit;

		hit = bsearch(&key, out->groups, out->ngroups, sizeof(*out->groups),
			      cmp_bench_group);
		fl[i].group = (size_t)(hit - out->groups);	/* every host's group is there */
	}
	for (i = 0; i < out->ngroups; i++) {
		struct history_bench_group *g = &out->groups[i];

		if (!g->name)
			g->label = xstrdup("(no group)");
		else if (anonymise)
			g->label = letters(i);
		else
			g->label = xstrdup(g->name);
		if (anonymise) {
			free(g->name);
			g->name = NULL;
		}
	}

	/* the controls failing on most hosts */
	if (nfl)
		qsort(fl, nfl, sizeof(*fl), cmp_failing);
	for (i = 0; i < nfl; i = j) {
		struct history_bench_control c = { 0 };

		c.per_group = xcalloc(out->ngroups + 1, sizeof(*c.per_group));
		for (j = i; j < nfl && strcmp(fl[j].id, fl[i].id) == 0; j++) {
			if (j > i && strcmp(fl[j].host, fl[j - 1].host) == 0)
				continue;	/* one host, two families: one host */
			c.hosts++;
			c.per_group[fl[j].group]++;
		}
		c.id = xstrdup(fl[i].id);
		c.title = fl[i].title ? xstrdup(fl[i].title) : NULL;
		c.severity = fl[i].severity ? xstrdup(fl[i].severity) : NULL;
		out->top = xgrow(out->top, out->ntop + 1, &atop, sizeof(*out->top));
		out->top[out->ntop++] = c;
	}
	if (out->ntop)
		qsort(out->top, out->ntop, sizeof(*out->top), cmp_top);
	while (out->ntop > HISTORY_BENCH_TOP) {
		struct history_bench_control *c = &out->top[--out->ntop];

		free(c->id);
		free(c->title);
		free(c->severity);
		free(c->per_group);
	}
	rc = 0;
out:
	sqlite3_finalize(q);
	sqlite3_finalize(qpast);
	for (i = 0; i < nfl; i++) {
		free(fl[i].id);
		free(fl[i].title);
		free(fl[i].severity);
		free(fl[i].host);
	}
	free(fl);
	inforce_release(v, n);
	if (rc == -1)
		history_bench_release(out);
	return rc;
}

void
history_bench_release(struct history_bench *b)
{
	size_t i;

	if (!b)
		return;
	for (i = 0; i < b->ngroups; i++) {
		free(b->groups[i].name);
		free(b->groups[i].label);
	}
	free(b->groups);
	for (i = 0; i < b->ntop; i++) {
		free(b->top[i].id);
		free(b->top[i].title);
		free(b->top[i].severity);
		free(b->top[i].per_group);
	}
	free(b->top);
	memset(b, 0, sizeof(*b));
}
