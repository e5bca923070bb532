#ifndef CB_HISTORY_H
#define CB_HISTORY_H
/*
 * The history store: runs read from evidence logs, kept in one SQLite file
 * (the only module that includes sqlite3.h), and the questions the reports ask
 * of it. docs/history.md describes the schema and the interval model.
 *
 * A run is one line of an evidence log. Each (host, family) pair is a
 * "series"; each control of a series is kept as intervals: one row per
 * unbroken stretch of runs in which the control's value (result, state,
 * severity, observed, expected, reason, waiver, hidden result, baseline
 * version, control version) stayed the same, from the first run that saw it
 * to the last. The value at time T is the interval with the largest
 * from_time <= T.
 *
 * Nothing here prints or exits; errors come back as -1 with a reason in an
 * errmsg, warnings through a hook.
 *
 *	struct history *h;
 *	struct errmsg e;
 *	if (history_open(&h, "history.db", HISTORY_WRITE, &e) == -1)
 *		...;
 *	history_ingest_file(h, "evidence.jsonl", NULL, NULL, &stats, &e);
 *	history_close(h);
 */
#include <stdbool.h>
#include <stddef.h>

struct errmsg;

/* Caps on what a run may carry; a run over them is refused with a warning. */
#define HISTORY_MAX_HOST 1024
#define HISTORY_MAX_CONTROLS 10000
/* Caps on a groups file. */
#define HISTORY_GROUPS_MAX_FILE (16u * 1024 * 1024)
#define HISTORY_GROUPS_MAX_ENTRIES 100000
#define HISTORY_GROUPS_MAX_FIELD 255
/* The runs one transaction takes at most (history_set_batch). */
#define HISTORY_BATCH_DEFAULT 20000
#define HISTORY_BATCH_MAX 100000
/* The most days `report trend` covers. */
#define HISTORY_MAX_DAYS 3660

struct history;

enum history_mode {
	HISTORY_READ,	/* an existing store, read-only */
	HISTORY_WRITE,	/* created with its schema when missing */
};

/*
 * Opens the store at path (a file; ":memory:" for a private one in memory).
 * HISTORY_WRITE creates the file (0640) and the schema, and sets WAL mode and
 * synchronous=NORMAL; HISTORY_READ refuses a missing file. A store of another
 * schema version is refused. The caller owns *out (history_close).
 */
int history_open(struct history **out, const char *path, enum history_mode mode,
		 struct errmsg *e);
/* Closes the store; accepts NULL. */
void history_close(struct history *h);
/* The runs one transaction takes at most (1..HISTORY_BATCH_MAX). */
void history_set_batch(struct history *h, unsigned n);

/* ---- time ------------------------------------------------------------------------ */

/*
 * "2026-11-29T10:00:00Z" (exactly this shape, UTC) to seconds since 1970, or
 * "2026-11-29" to the last second of that day (23:59:59Z) when date_end is set.
 * Returns 0 or -1.
 */
int history_parse_time(const char *s, bool date_end, long long *out);
/* Seconds since 1970 as "2026-11-29T10:00:00Z". */
void history_format_time(long long t, char out[32]);

/* ---- groups: which municipality or group a host belongs to ----------------------- */

struct history_group_entry {
	char *host;
	char *group;
};
/* A host -> group map, sorted by host. */
struct history_groups {
	struct history_group_entry *v;
	size_t n;
};

/*
 * Parses a CSV of "host,group" lines (RFC 4180 quoting, a "host,group"
 * header line allowed, blank lines and lines starting with '#' skipped).
 * A host listed twice, an empty field, a field over HISTORY_GROUPS_MAX_FIELD
 * bytes, control characters or more than two fields are errors, e.g.
 * "groups 'g.csv': line 4: host 'web-01' listed twice". `what` names the
 * source. The caller owns g (history_groups_release), also on error.
 */
int history_groups_parse(struct history_groups *g, const char *text, size_t len,
			 const char *what, struct errmsg *e);
/* Reads and parses a groups file (size-capped, no symlink). */
int history_groups_load(struct history_groups *g, const char *path, struct errmsg *e);
/* The group of host (exact match), or NULL. g may be NULL. */
const char *history_groups_find(const struct history_groups *g, const char *host);
void history_groups_release(struct history_groups *g);

/* ---- ingest ---------------------------------------------------------------------- */

struct history_ingest_stats {
	size_t lines;		/* complete lines read and found in the chain */
	size_t stored;		/* new runs stored */
	size_t duplicate;	/* runs the store already held (the same line) */
	size_t late;		/* of the stored: older than the newest of their series */
	size_t refused;		/* lines in the chain whose run could not be read */
	size_t skipped;		/* perfdata: lines of other checks, not ours */
	bool partial;		/* the file ends in a line without its newline, left for later */
	bool restarted;		/* the file was replaced since the last ingest: read from the start */
	size_t bad_line;	/* the line reading stopped at (broken chain, bad JSON), or 0 */
	bool rolled_back;	/* a store error: everything since the last commit was dropped */
	unsigned long long bytes; /* bytes consumed by this call */
};

struct history_ingest_hooks {
	/* a run refused or the file replaced; msg is one line, "line 7: run has no host" */
	void (*warn)(void *ctx, const char *msg);
	/* bytes consumed so far of those to read in this call */
	void (*progress)(void *ctx, unsigned long long done, unsigned long long total);
	void *ctx;
};

/*
 * Reads the evidence log at path from where the last ingest of it stopped
 * (the store keeps path, device, inode, bytes consumed and the last line's
 * hash; a file that was renamed is found by its inode, one that was replaced
 * or cut is read from the start), verifies the chain line by line and stores
 * each run. A line already stored (same SHA-256) adds nothing. A last line
 * without its newline is left for the next call. groups (may be NULL) gives
 * the group of a run without "org". hooks may be NULL.
 *
 * Runs are committed together with the file's position every batch and at
 * the end, so an interrupted ingest loses at most the batch in progress and
 * the next call takes it again. Returns 0 when the file was read to its end
 * (stats->refused may still be non-zero); -1 on a broken chain ("line 7: prev
 * does not match line 6", everything before it is kept), an unreadable file
 * or a store error. stats is filled in either case.
 */
int history_ingest_file(struct history *h, const char *path, const struct history_groups *groups,
			const struct history_ingest_hooks *hooks, struct history_ingest_stats *stats,
			struct errmsg *e);

/* ---- storing runs from other sources --------------------------------------------- */

/*
 * A run as any source gives it (an evidence line, a perfdata line, an Icinga 2
 * CheckResult event). Strings are borrowed for the call; NULL means absent.
 */
struct history_control_in {
	const char *id;			/* required, at most 64 bytes */
	const char *result;		/* PASS FAIL ERROR NA WAIVED */
	const char *state;		/* OK WARNING CRITICAL UNKNOWN, or NULL */
	const char *severity, *title, *observed, *expected, *reason;
	const char *hidden_result;	/* WAIVED: the real result */
	const char *waiver_json;	/* the waiver object as compact JSON text */
	long long version;		/* the control's version, 0 when unknown */
};

struct history_run_in {
	const char *host, *family;	/* required */
	long long time;			/* seconds since 1970, UTC */
	const char *target, *state, *error, *org;
	long long exit_code;
	bool has_compliance;
	long long compliance;		/* 0..100 when has_compliance */
	const char *baseline_id, *baseline_version, *baseline_sha256, *profile;
	const char *tailoring_id, *tailoring_version;
	const struct history_control_in *controls;
	size_t ncontrols;		/* at most HISTORY_MAX_CONTROLS */
};

enum history_stored {
	HISTORY_STORED_NEW,
	HISTORY_STORED_LATE,		/* older than the newest of its series: fitted in */
	HISTORY_STORED_DUPLICATE,	/* the key was stored before: nothing added */
};

/*
 * A transaction around history_store_run() calls: runs are visible to readers
 * and survive a crash only after history_commit(). history_rollback() drops
 * what was stored since history_begin().
 */
int history_begin(struct history *h, struct errmsg *e);
int history_commit(struct history *h, struct errmsg *e);
void history_rollback(struct history *h);

/*
 * Lets history_ingest_file() calls share transactions: a file's runs and its
 * position are committed with those of the next files once a batch is full,
 * and history_flush() commits the rest (history_close() without it keeps
 * nothing of the open transaction). Many small logs ingest much faster so;
 * what is committed and each file's position still agree at every moment. A
 * store error rolls back to the last commit, earlier files' runs included.
 */
void history_hold(struct history *h);
int history_flush(struct history *h, struct errmsg *e);

/*
 * Checks r (required fields, known results and states, compliance 0..100,
 * caps) and stores it inside the open transaction. key identifies the run in
 * its source, 64 hex digits (a SHA-256): a key stored before adds nothing.
 * group: the group for the reports (NULL: r->org). source and source_line say
 * where the run came from ("icinga-api:https://...", 0 when not a line).
 * Returns 0 with *how; -1 with "refused: no host" style reasons in e when r is
 * invalid (*refused set, the transaction still usable) or on a store error
 * (*refused clear: roll back).
 */
int history_store_run(struct history *h, const struct history_run_in *r, const char *group,
		      const char *source, size_t source_line, const char *key,
		      enum history_stored *how, bool *refused, struct errmsg *e);

/*
 * A reader of lines that are not evidence (perfdata files). parse() fills r
 * from one line (without its newline) and returns 1 to store it, 0 to skip a
 * line that is not ours (another check's perfdata), -1 to refuse it with the
 * reason in e. release() (may be NULL) frees what parse() kept for r; it is
 * called after every parse() that returned 1 or -1.
 */
struct history_line_reader {
	int (*parse)(void *ctx, const char *line, size_t len, struct history_run_in *r,
		     struct errmsg *e);
	void (*release)(void *ctx, struct history_run_in *r);
	void *ctx;
};

/*
 * history_ingest_file() for lines of another format: the same positions,
 * batches, idempotence (the line's SHA-256 is the run's key) and partial
 * last line, without a chain. rd NULL reads evidence.
 */
int history_ingest_lines(struct history *h, const char *path, const struct history_line_reader *rd,
			 const struct history_groups *groups,
			 const struct history_ingest_hooks *hooks,
			 struct history_ingest_stats *stats, struct errmsg *e);

/* ---- progress ------------------------------------------------------------------------ */

/*
 * A hook the reports call while they work, once they have taken `after`
 * seconds, at most ten times a second: the seconds so far, and how far they
 * are (done of total; total 0 while that is not known yet). NULL removes it.
 */
void history_set_progress(struct history *h, double after,
			  void (*fn)(void *ctx, double seconds, size_t done, size_t total),
			  void *ctx);

/* ---- status: the runs and controls in force at a time ----------------------------- */

/* The waiver of a WAIVED control, from the JSON the run carried. */
struct history_waiver {
	char *justification;
	char *approved_by;
	char *ticket;		/* or NULL */
	char *created;		/* or NULL */
	char *expires;		/* or NULL */
};

struct history_control {
	char *id;
	int version;
	char *result;		/* PASS FAIL ERROR NA WAIVED */
	char *state;
	char *severity;
	char *title;
	char *observed;		/* each may be NULL */
	char *expected;
	char *reason;
	char *hidden_result;	/* WAIVED: the real result */
	char *baseline_version;
	char *waiver_json;	/* the waiver object as stored, or NULL */
	struct history_waiver *waiver;	/* parsed from waiver_json, or NULL */
	bool waiver_expired;	/* the waiver expired before the day asked about */
	long long since;	/* the first run of this interval */
	long long last_seen;	/* the last run that saw it unchanged (<= or > the time asked) */
};

/* One (host, family) at a time T. */
struct history_run {
	char *host;
	char *family;
	char *group;		/* the host's group (docs/history.md), or NULL */
	char *target;
	long long time;		/* the run in force: the last one at or before T that evaluated */
	char *state;
	int exit_code;
	int compliance;		/* -1 when the run gave none */
	char *baseline_id, *baseline_version, *baseline_sha256, *profile;
	char *tailoring_id, *tailoring_version;	/* NULL without tailoring */
	long long unevaluated_time;	/* a later run at or before T that evaluated nothing, or 0 */
	char *unevaluated_error;	/* its error, or NULL */
	struct history_control *controls;	/* those the run in force saw, by id */
	size_t ncontrols;
};

struct history_status {
	long long at;
	struct history_run *runs;	/* by host, then family */
	size_t n;
};

/*
 * The status at `at`: every series (only host's when host is not NULL, only
 * hosts of group when group is not NULL) that has a run at or before `at`
 * which evaluated controls. The caller owns out (history_status_release).
 */
int history_status(struct history *h, long long at, const char *host, const char *group,
		   struct history_status *out, struct errmsg *e);
void history_status_release(struct history_status *s);

/* ---- trend: compliance per day ----------------------------------------------------- */

struct history_day {
	char date[11];		/* YYYY-MM-DD */
	long long end;		/* its last second */
	size_t hosts;		/* hosts with a compliance in force */
	double compliance;	/* the mean over those hosts; valid when hosts > 0 */
};

struct history_trend {
	struct history_day *days;
	size_t n;
};

/*
 * Compliance at the end of each day from..to (days since 1970, inclusive,
 * at most HISTORY_MAX_DAYS): the mean over hosts of each host's compliance,
 * which is the mean over its families of the compliance of the run in force.
 * group (may be NULL) keeps only the hosts of that group.
 */
int history_trend(struct history *h, long from_day, long to_day, const char *group,
		  struct history_trend *out, struct errmsg *e);
void history_trend_release(struct history_trend *t);

/* ---- benchmark: the groups side by side ------------------------------------------- */

#define HISTORY_BENCH_TOP 10

struct history_bench_group {
	char *name;		/* the group, or NULL for hosts without one */
	char *label;		/* what the report shows: the name, "Group A", or "(no group)" */
	size_t hosts;		/* hosts with a run in force */
	size_t hosts_with_compliance;
	double compliance;	/* the mean over hosts, as in history_trend */
	size_t critical_failing;	/* failing controls of severity critical, over all hosts */
	size_t hosts_critical;	/* hosts with at least one of them */
};

struct history_bench_control {
	char *id;
	char *title;
	char *severity;
	size_t hosts;		/* hosts where it fails, in all groups */
	size_t *per_group;	/* the same per group, in the order of groups */
};

struct history_bench {
	long long at;
	struct history_bench_group *groups;	/* by label */
	size_t ngroups;
	struct history_bench_control *top;	/* most hosts failing first, then by id */
	size_t ntop;
};

/*
 * The groups at `at`. anonymise replaces names by "Group A", "Group B", ...
 * given in the alphabetical (byte) order of the names, so the same set of
 * groups gets the same letters; the names are then not in out at all.
 */
int history_benchmark(struct history *h, long long at, bool anonymise, struct history_bench *out,
		      struct errmsg *e);
void history_bench_release(struct history_bench *b);

#endif
