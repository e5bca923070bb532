/* The shared frame of a check's main(): loading, profile choice, fatal lines, evidence trouble. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "facts.h"
#include "opts.h"
#include "report.h"
#include "run.h"
#include "util.h"

#define MINI "tests/data/mini-baseline.json"

static void
base_opts(struct opts *o)
{
	memset(o, 0, sizeof(*o));
	o->host = "::1";
	o->port = "2222";
	o->timeout = 10;
	o->baseline = MINI;
	o->lang = "en";
	o->max_output = 8000;
}

struct row {
	const char *baseline, *profile, *waivers;
	int rc;
	const char *profile_used;	/* or the fatal message's start */
};

static const struct row rows[] = {
	{ MINI, NULL, NULL, 0, "basis" },
	{ MINI, "udvidet", NULL, 0, "udvidet" },
	{ MINI, "gold", NULL, -1, "baseline 'tests/data/mini-baseline.json' has no profile 'gold'" },
	{ "tests/data/none.json", NULL, NULL, -1, "cannot read baseline 'tests/data/none.json': no such file or directory" },
	{ MINI, NULL, "tests/data/none.json", -1, "cannot read waivers 'tests/data/none.json'" },
};

static void
test_load(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct report r;
		struct run run;
		struct opts o;
		int rc, saved;

		base_opts(&o);
		o.baseline = rows[i].baseline;
		o.profile = rows[i].profile;
		o.waivers = rows[i].waivers;
		report_init(&r, "ssh", "check_baseline_ssh");
		saved = dup(STDERR_FILENO);
		rc = run_load(&run, &o, "ssh", &r);
		alarm(0);	/* run_load arms the watchdog */
		dup2(saved, STDERR_FILENO);	/* and silences stderr: keep cmocka's messages */
		close(saved);
		assert_int_equal(rc, rows[i].rc);
		assert_string_equal(r.target, "[::1]:2222");
		if (rc == 0)
			assert_string_equal(run.profile, rows[i].profile_used);
		else if (!r.fatal || strncmp(r.fatal, rows[i].profile_used,
					     strlen(rows[i].profile_used)) != 0)
			fail_msg("row %zu: fatal '%s'", i, r.fatal ? r.fatal : "(none)");
		if (rc == 0)
			assert_int_equal(r.fatal == NULL, 1);
		report_release(&r);
		if (run.loaded)
			baseline_release(&run.b);
	}
}

/* Evidence trouble becomes a note; the state stays what the controls say. */
static void
test_finish_evidence_trouble(void **state)
{
	static const char *const ed25519 = "ssh-ed25519";
	char path[] = "/tmp/cb-run-out-XXXXXX", *text;
	struct report r;
	struct run run;
	struct opts o;
	struct facts f;
	struct errmsg e;
	size_t len;
	int saved, fd, rc;

	(void)state;
	base_opts(&o);
	o.evidence = "/nonexistent-dir/evidence.jsonl";
	report_init(&r, "ssh", "check_baseline_ssh");
	assert_int_equal(run_load(&run, &o, "ssh", &r), 0);
	alarm(0);
	facts_init(&f);
	facts_set_str(&f, "ssh.protocol", "2.0");
	facts_set_list(&f, "ssh.hostkey_algorithms", &ed25519, 1);
	facts_set_int(&f, "bits", 4096);
	run_evaluate(&run, &f, &r);
	assert_int_equal(report_state(&r), STATE_OK);
	/* run_finish prints: catch stdout in a file */
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	fd = mkstemp(path);
	dup2(fd, STDOUT_FILENO);
	rc = run_finish(&run, &o, &r);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	close(fd);
	assert_int_equal(rc, 0);	/* OK stays OK */
	assert_int_equal(util_read_file(path, "output", 1 << 20, &text, &len, &e), 0);
	assert_non_null(strstr(text, "BASELINE OK - ssh [::1]:2222: 2 of 2 controls passed"));
	assert_non_null(strstr(text, "\nevidence not written: "));
	free(text);
	unlink(path);
	facts_release(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_finish_evidence_trouble),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
