#ifndef CB_HISTSRC_H
#define CB_HISTSRC_H
/*
 * Runs read back from what a monitoring system keeps of a check: our plugin
 * output (docs/output.md, section 2), its perfdata, an Icinga 2 CheckResult
 * event or service object, a line of a perfdata file. Pure parsing: no I/O,
 * no store; the result is a struct histsrc_run that history_store_run() takes
 * through histsrc_run_view(). docs/icinga-api.md says what each source keeps.
 *
 * Every string parsed here comes from outside: sizes are capped
 * (HISTSRC_MAX_OUTPUT, HISTSRC_MAX_CONTROLS), and an error is -1 with a
 * one-line reason that names what and where ("output line 4: [WAIVED] line
 * without 'waived until'").
 *
 *	struct histsrc_run r;
 *	histsrc_run_init(&r);
 *	if (histsrc_icinga_event(&r, line, len, &e) == 0 && r.ours) {
 *		struct history_run_in in;
 *		struct history_control_in *ctl = histsrc_run_view(&r, &in);
 *		history_store_run(h, &in, NULL, "icinga-api:...", 0, r.key, ...);
 *		free(ctl);
 *	}
 *	histsrc_run_release(&r);
 */
#include <stdbool.h>
#include <stddef.h>

#include "digest.h"

struct errmsg;
struct history_run_in;
struct history_control_in;
struct history_groups;

#define HISTSRC_MAX_OUTPUT (1024u * 1024)	/* bytes of plugin output */
#define HISTSRC_MAX_PERFDATA (1024u * 1024)	/* bytes of perfdata */
#define HISTSRC_MAX_CONTROLS 10000
#define HISTSRC_MAX_ID 64			/* bytes of a control id, as the store */
#define HISTSRC_MAX_EVENT (4u * 1024 * 1024)	/* bytes of one event (JSON_MAX_FILE) */

/* One control. result and state point at string constants; the rest is owned. */
struct histsrc_control {
	char *id;
	const char *result;		/* PASS FAIL ERROR WAIVED NA */
	const char *state;		/* OK WARNING CRITICAL UNKNOWN */
	char *title;			/* NULL when only perfdata named it */
	char *observed, *expected, *reason;
	const char *hidden_result;	/* WAIVED, from the text: the real result */
	const char *hidden_state;
	char *waiver_json;		/* WAIVED, from the text: compact JSON */
	bool from_text;			/* a long-output line gave it */
	bool from_perfdata;		/* a perfdata code gave it */
	bool line_cut;			/* its line ended in the 1024-byte cut mark */
};

struct histsrc_counts {
	bool have;			/* controls_* were in perfdata */
	long long passed, failed, critical, warning, error, waived, na;
};

struct histsrc_run {
	bool ours;			/* the output is our plugin's (first line "BASELINE ") */
	char *host;			/* the host identity: --host-name, -H, else Icinga's host */
	char *icinga_host;		/* the Icinga host object (for its groups), or NULL */
	char *service;			/* the Icinga service, or NULL */
	char *check_command;		/* or NULL */
	char *family;			/* "ssh" */
	char *target;			/* from the first line, or NULL */
	char *org;			/* --org of the command, BASELINE_ORG, or NULL */
	const char *state;		/* from the first line */
	char *error;			/* a run that evaluated nothing: the first line's reason */
	long long time;			/* seconds since 1970 (see histsrc_icinga_event) */
	bool has_exit;
	long long exit_code;
	bool has_compliance;
	long long compliance;
	struct histsrc_counts counts;
	char *baseline_id, *baseline_version, *baseline_sha256, *profile;
	char *tailoring_id, *tailoring_version;
	struct histsrc_control *controls;	/* in the order first seen */
	size_t ncontrols, alloc;
	bool cut;			/* the text lacks controls ("… N more", or fewer than counted) */
	size_t cut_more;		/* N of "… N more", 0 when not said */
	size_t mismatch;		/* controls whose text and perfdata code disagreed (code kept) */
	char key[DIGEST_HEX_LEN + 1];	/* identifies the result in its source, "" when none */
};

void histsrc_run_init(struct histsrc_run *r);
/* Frees what r owns and leaves it initialised; accepts NULL. */
void histsrc_run_release(struct histsrc_run *r);

/*
 * Parses our plugin's output as Icinga keeps it in check_result.output (and
 * Nagios in $SERVICEOUTPUT$ + $LONGSERVICEOUTPUT$): the first line without its
 * perfdata (a "|..." left on it is ignored), the control lines, the identity
 * lines, in English or Danish. Sets r->ours (false, and 0 returned, when the
 * first line does not start with "BASELINE "), state, family, target, error,
 * the controls with result, state, title, observed, expected (split at the
 * last ", expected "), reason, and for WAIVED the hidden result and state and
 * waiver_json ({"control","justification","approved_by","ticket","expires"}),
 * baseline and tailoring identity, and r->cut for "… N more". Observed and
 * expected are the sanitised text (docs/output.md 2.7), not the exact strings
 * of the JSON output. Returns 0, or -1 with the reason in e.
 */
int histsrc_output(struct histsrc_run *r, const char *text, size_t len, struct errmsg *e);

/*
 * Parses Nagios perfdata ("label=value[UOM];warn;crit;min;max ...", labels
 * optionally in single quotes with '' for a quote) into r: compliance, the
 * controls_* counts, and every other label with an integer value -2..3 and no
 * unit as a control code (docs/output.md 2.3: 0 PASS, 1 FAIL WARNING, 2 FAIL
 * CRITICAL, 3 ERROR, -1 WAIVED, -2 NA). A control the text already gave keeps
 * its text when both agree; when they disagree the code wins and r->mismatch
 * counts it. Call it after histsrc_output(). Returns 0 or -1.
 */
int histsrc_perfdata(struct histsrc_run *r, const char *perf, size_t len, struct errmsg *e);
/* The same for Icinga's performance_data: one token per string. */
int histsrc_perfdata_tokens(struct histsrc_run *r, const char *const *tok, size_t n,
			    struct errmsg *e);

/*
 * One JSON object of the Icinga 2 event stream (/v1/events) of type
 * CheckResult: host, service, check_result.{output, performance_data,
 * exit_status, execution_start, execution_end, command}. The host identity is
 * the command's --host-name, else its -H, else the Icinga host (the rule of
 * the evidence log); --org comes from the command too.
 *
 * Time: floor(execution_end). The evidence log's "time" is taken when the
 * plugin writes its report, just before it exits, so the end of the execution
 * is the closest time Icinga records (execution_start precedes it by the
 * whole run: seconds for a network check). test_follow.sh counts how often
 * the two agree to the second.
 *
 * key: SHA-256 of host NUL service NUL execution_start NUL execution_end, the
 * times as "%.6f", so the same result seen twice (a reconnect, the object
 * query) gives the same key. Output that is not ours sets r->ours false and
 * returns 0. Returns -1 (reason in e) for a broken event or output.
 */
int histsrc_icinga_event(struct histsrc_run *r, const char *json, size_t len, struct errmsg *e);

/*
 * The answer of GET /v1/objects/services?attrs=last_check_result&attrs=
 * host_name&attrs=name&attrs=check_command: each service's last check result
 * as a run, keyed as above. runs (caller frees each with histsrc_run_release
 * and the array with free) holds only our outputs; *skipped counts the others
 * and those without a result; *refused the broken ones, whose first reason is
 * in e. Returns -1 only when the document itself is unreadable.
 */
int histsrc_icinga_services(const char *json, size_t len, struct histsrc_run **runs, size_t *n,
			    size_t *skipped, size_t *refused, struct errmsg *e);

/*
 * The answer of GET /v1/objects/hosts?attrs=groups&attrs=name: host -> its
 * group, the first of its host groups in byte order that starts with prefix
 * (NULL or "": any), hosts without one left out. The caller owns g
 * (history_groups_release), also on error.
 */
int histsrc_icinga_hosts(const char *json, size_t len, const char *prefix,
			 struct history_groups *g, struct errmsg *e);

/*
 * One line of a perfdata file (Icinga 2 PerfdataWriter, Nagios
 * service_perfdata_file; dist/icinga2/perfdata-writer.conf and
 * dist/nagios/perfdata.cfg): TAB-separated KEY::VALUE. TIMET, HOSTNAME,
 * SERVICEPERFDATA and SERVICESTATE (name or 0..3) are required; the family
 * comes from SERVICECHECKCOMMAND (baseline_ssh, check_baseline_ssh!...), else
 * SERVICEOUTPUT's first line, else SERVICEDESC; BASELINE_ORG gives the org.
 * Per-control results come from the perfdata codes only: perfdata carries
 * numbers, so observed, expected and waivers are not known. key: the
 * SHA-256 of the line. A line with no perfdata of ours sets r->ours false.
 */
int histsrc_perfdata_line(struct histsrc_run *r, const char *line, size_t len, struct errmsg *e);

/*
 * A view of r as the store takes it: fills *in (borrowing r's strings) and
 * returns the control array it points at (free() it after the store call).
 */
struct history_control_in *histsrc_run_view(const struct histsrc_run *r,
					    struct history_run_in *in);

#endif
