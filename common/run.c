/* Load, evaluate, finish: the shared frame of every check's main(). */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include "deadline.h"
#include "eval.h"
#include "evidence.h"
#include "facts.h"
#include "opts.h"
#include "report.h"
#include "run.h"
#include "banned.h"

/* Nothing may reach stderr (library noise included): Icinga shows it as output. */
static void
quiet_stderr(void)
{
	int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);

	if (fd != -1) {
		dup2(fd, STDERR_FILENO);
		if (fd != STDERR_FILENO)
			close(fd);
	}
}

int
run_load(struct run *run, const struct opts *o, const char *family, struct report *r)
{
	struct errmsg e;

	memset(run, 0, sizeof(*run));
	quiet_stderr();
	/* the probe's deadline is o->timeout; the watchdog only fires if it failed */
	deadline_watchdog(r->program, o->timeout + 2);
	run->family = family;
	util_today(run->today);
	if (o->host) {
		bool v6 = strchr(o->host, ':') != NULL;

		r->target = o->port ? xasprintf(v6 ? "[%s]:%s" : "%s:%s", o->host, o->port)
				    : xstrdup(o->host);
	}
	r->host_id = xstrdup(o->host_name ? o->host_name : o->host ? o->host : "localhost");
	r->org = o->org ? xstrdup(o->org) : NULL;

	if (baseline_load(&run->b, o->baseline, &e) == -1) {
		report_fatal(r, STATE_UNKNOWN, "%s", e.msg);
		return -1;
	}
	run->loaded = true;
	if (o->tailoring && baseline_tailor(&run->b, o->tailoring, &e) == -1) {
		report_fatal(r, STATE_UNKNOWN, "%s", e.msg);
		return -1;
	}
	if (o->waivers) {
		if (waivers_load(&run->w, o->waivers, &run->b, &e) == -1) {
			report_fatal(r, STATE_UNKNOWN, "%s", e.msg);
			return -1;
		}
		run->have_waivers = true;
	}
	run->profile = o->profile ? o->profile
		     : run->b.tailoring_profile ? run->b.tailoring_profile : "basis";
	if (!baseline_profile(&run->b, run->profile)) {
		report_fatal(r, STATE_UNKNOWN, "baseline '%s' has no profile '%s'", run->b.path,
			     run->profile);
		return -1;
	}
	r->baseline = &run->b;
	r->profile = run->profile;
	return 0;
}

void
run_evaluate(struct run *run, const struct facts *f, struct report *r)
{
	eval_run(r, &run->b, run->family, run->profile, f, run->have_waivers ? &run->w : NULL,
		 run->today);
}

int
run_finish(struct run *run, const struct opts *o, struct report *r)
{
	struct errmsg e;
	int rc;

	if (o->evidence && !r->done && evidence_append(o->evidence, r, &e) == -1)
		report_note(r, "evidence not written: %s", e.msg);
	rc = report_emit(r);
	report_release(r);
	if (run->have_waivers)
		waivers_release(&run->w);
	if (run->loaded)
		baseline_release(&run->b);
	return rc;
}
