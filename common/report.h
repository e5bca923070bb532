#ifndef CB_REPORT_H
#define CB_REPORT_H
/*
 * The result of one run and the only writer to stdout. Everything a check
 * learns (options, baseline, facts, evaluation, failures) ends up here;
 * report_emit() prints it in the plugin format or as JSON and gives the exit
 * code. docs/output.md describes both formats.
 */
#include <stdbool.h>
#include <stddef.h>

#include "range.h"
#include "util.h"

struct baseline;
struct control;
struct waiver;
struct waivers;

enum state { STATE_OK = 0, STATE_WARNING = 1, STATE_CRITICAL = 2, STATE_UNKNOWN = 3 };
enum result { RES_PASS, RES_FAIL, RES_ERROR, RES_WAIVED, RES_NA };
enum out_format { OUT_NAGIOS, OUT_JSON };

struct control_result {
	const struct control *c;
	enum result result;
	enum state state;	/* PASS/NA/WAIVED: OK; FAIL: WARNING or CRITICAL; ERROR: on_error */
	enum result hidden;	/* WAIVED: the real result */
	enum state hidden_state;
	char *observed;
	char *expected;
	char *reason;		/* ERROR: why not evaluated */
	const struct waiver *waiver;		/* WAIVED: the waiver applied */
	const struct waiver *expired_waiver;	/* a matching waiver that has lapsed */
};

struct report_counts {
	size_t total, passed, failed, critical, warning, error, waived, na;
};

struct report {
	const char *check;	/* "ssh" */
	const char *program;	/* "check_baseline_ssh" */
	char *target;		/* "127.0.0.1:2222" */
	char *host_id;		/* identity for waivers and evidence */
	char *org;		/* --org, or NULL */
	const char *lang;
	const char *profile;
	enum out_format format;
	size_t max_output;
	int verbose;
	bool perfdata_controls;
	bool have_warn, have_crit;
	struct range warn, crit;	/* on compliance % */

	bool done;		/* output already decided (help, version) */
	char *fatal;		/* one-line reason the run could not evaluate */
	enum state fatal_state;
	char *direct_text;	/* help/version text printed as is */

	const struct baseline *baseline;
	const struct waivers *waivers;
	struct control_result *r;
	size_t n, alloc;
	char **notes;		/* extra long-output lines (expired waivers, evidence trouble) */
	size_t nnotes;
	double duration_s;
};

/*
 * The first call of every check's main(). Besides emptying r it clears
 * SSLKEYLOGFILE from the environment (util_tls_keylog_off()), before any
 * TLS library is initialised.
 */
void report_init(struct report *r, const char *check, const char *program);
void report_release(struct report *r);
/* Sets the one-line failure that replaces evaluation (first call wins). */
void report_fatal(struct report *r, enum state s, const char *fmt, ...) CB_PRINTF(3, 4);
/* Text to print verbatim with exit 3 (help, version, usage). */
void report_direct(struct report *r, const char *text);
void report_note(struct report *r, const char *fmt, ...) CB_PRINTF(2, 3);
/* Adds a result; the report takes observed/expected/reason (malloc'd or NULL). */
struct control_result *report_add(struct report *r, const struct control *c, enum result res,
				  enum state st, char *observed, char *expected, char *reason);

void report_counts(const struct report *r, struct report_counts *out);
/* Overall state: worst of failures and errors (OK < UNKNOWN < WARNING < CRITICAL), thresholds. */
enum state report_state(const struct report *r);
/* Sorts results worst first, then by id (deterministic output). */
void report_sort(struct report *r);
/* Formats the whole output into sb (tests use this); returns the exit code. */
int report_format(struct report *r, struct sbuf *sb);
/*
 * The run as one JSON document (docs/output.md), with no trailing newline.
 * one_line: no newlines (the evidence log embeds it). Sorts r first.
 */
void report_to_json(struct report *r, struct sbuf *sb, bool one_line);
/* Prints to stdout and returns the exit code (0..3). */
int report_emit(struct report *r);

const char *state_name(enum state s);
const char *result_name(enum result res);
/*
 * Appends s to sb made safe for plugin output: no '|', no control characters,
 * no '<' '>' '&' (replaced), invalid UTF-8 bytes replaced by '?'.
 */
void report_sanitize(struct sbuf *sb, const char *s);

#endif
