#ifndef CB_RUN_H
#define CB_RUN_H
/*
 * The parts of a check's main() that are the same for every check: load the
 * baseline (with tailoring and waivers) before the probe, evaluate after it,
 * then write evidence and the report. A check's main() reads:
 *
 *	report_init(&r, "ssh", "check_baseline_ssh");
 *	if (opts_parse(&o, argc, argv, &ext, &r) == 0 &&
 *	    run_load(&run, &o, "ssh", &r) == 0 &&
 *	    probe(&facts, &o, &r) == 0)
 *		run_evaluate(&run, &facts, &r);
 *	return run_finish(&run, &o, &r);
 */
#include <stdbool.h>

#include "baseline.h"
#include "waiver.h"

struct facts;
struct opts;
struct report;

struct run {
	struct baseline b;
	struct waivers w;
	bool loaded, have_waivers;
	const char *family;
	const char *profile;
	char today[11];
};

/*
 * Sends stderr to /dev/null for the rest of the run, arms the watchdog, then
 * loads o->baseline, o->tailoring and o->waivers and resolves the profile.
 * Sets r->target from o->host/o->port and r->host_id. Returns 0, or -1 with
 * report_fatal() set (UNKNOWN, the message naming file and path).
 */
int run_load(struct run *run, const struct opts *o, const char *family, struct report *r);
/* Evaluates the facts against the loaded baseline into r. */
void run_evaluate(struct run *run, const struct facts *f, struct report *r);
/*
 * Appends evidence when asked (trouble there becomes a note, never a state),
 * prints the report, releases run and r. Returns the exit code, 0..3.
 */
int run_finish(struct run *run, const struct opts *o, struct report *r);

#endif
