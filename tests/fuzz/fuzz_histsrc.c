/*
 * Fuzzes the readers of common/histsrc.c, all outside input: the input as
 * plugin output (then its first line's "|..." as perfdata), as one Icinga 2
 * event, as a services and a hosts answer of the object API, and as a line
 * of a perfdata file. Checked: no crash or leak, an error names its source,
 * a run given to the store has what the store requires (host, family, known
 * results and states, ids within the cap), and histsrc_run_view agrees.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "histsrc.h"
#include "history.h"
#include "util.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
one_of(const char *s, const char *const *v)
{
	for (; *v; v++)
		if (strcmp(s, *v) == 0)
			return true;
	return false;
}

static void
check_run(const struct histsrc_run *r, bool need_host)
{
	static const char *const results[] = { "PASS", "FAIL", "ERROR", "WAIVED", "NA", NULL };
	static const char *const states[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN", NULL };
	struct history_control_in *c;
	struct history_run_in in;
	size_t i;

	if (!r->ours)
		return;
	if (need_host && (!r->host || !r->family || strlen(r->key) != 64))
		abort();
	if (r->state && !one_of(r->state, states))
		abort();
	if (r->has_compliance && (r->compliance < 0 || r->compliance > 100))
		abort();
	if (r->ncontrols > HISTSRC_MAX_CONTROLS)
		abort();
	for (i = 0; i < r->ncontrols; i++) {
		const struct histsrc_control *k = &r->controls[i];

		if (!k->id[0] || strlen(k->id) > HISTSRC_MAX_ID || !one_of(k->result, results) ||
		    !one_of(k->state, states))
			abort();
		if (k->hidden_result && !one_of(k->hidden_result, results))
			abort();
	}
	c = histsrc_run_view(r, &in);
	if (in.ncontrols != r->ncontrols || (r->ncontrols && in.controls != c))
		abort();
	free(c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct history_groups g;
	struct histsrc_run r, *runs;
	size_t n, skipped, refused, i;
	struct errmsg e;

	histsrc_run_init(&r);
	if (histsrc_output(&r, s, size, &e) == 0) {
		const char *bar = memchr(s, '|', size), *nl = memchr(s, '\n', size);

		if (bar && (!nl || bar < nl) && histsrc_perfdata(&r, bar + 1,
				nl ? (size_t)(nl - bar - 1) : size - (size_t)(bar - s) - 1, &e) == -1 &&
		    strncmp(e.msg, "perfdata", 8) != 0)
			abort();
		check_run(&r, false);
	} else if (strncmp(e.msg, "output", 6) != 0) {
		abort();
	}
	histsrc_run_release(&r);

	histsrc_run_init(&r);
	if (histsrc_icinga_event(&r, s, size, &e) == 0)
		check_run(&r, true);
	else if (strncmp(e.msg, "event", 5) != 0)
		abort();
	histsrc_run_release(&r);

	if (histsrc_icinga_services(s, size, &runs, &n, &skipped, &refused, &e) == 0) {
		for (i = 0; i < n; i++) {
			check_run(&runs[i], true);
			histsrc_run_release(&runs[i]);
		}
		free(runs);
	}
	if (histsrc_icinga_hosts(s, size, (size & 1) ? "k" : NULL, &g, &e) == 0)
		for (i = 0; i < g.n; i++)
			if (history_groups_find(&g, g.v[i].host) != g.v[i].group)
				abort();
	history_groups_release(&g);

	histsrc_run_init(&r);
	if (histsrc_perfdata_line(&r, s, size, &e) == 0)
		check_run(&r, true);
	else if (strncmp(e.msg, "perfdata", 8) != 0 && strncmp(e.msg, "output", 6) != 0)
		abort();
	histsrc_run_release(&r);
	return 0;
}
