/*
 * The report: first line, long output, perfdata, sanitising, the output cap,
 * state aggregation and JSON (plugin-contract.md c.4, items 1-3, 8-24, 28).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "eval.h"
#include "facts.h"
#include "json.h"
#include "report.h"
#include "util.h"

#define MINI "tests/data/mini-baseline.json"

static struct baseline B;

static int
setup(void **state)
{
	struct errmsg e;

	(void)state;
	return baseline_load(&B, MINI, &e);
}

static int
teardown(void **state)
{
	(void)state;
	baseline_release(&B);
	return 0;
}

/* Facts variants: which controls of the mini baseline pass. */
enum variant { ALL_PASS, ONE_CRIT, WARN_ONLY, MISSING, HOSTILE };

static void
facts_for(struct facts *f, enum variant v)
{
	static const char *const good[] = { "ssh-ed25519" };
	static const char *const bad[] = { "ssh-ed25519", "ssh-dss" };

	facts_init(f);
	facts_set_str(f, "ssh.protocol", v == ONE_CRIT ? "1.99" : "2.0");
	facts_set_list(f, "ssh.hostkey_algorithms", v == ONE_CRIT ? bad : good, v == ONE_CRIT ? 2 : 1);
	facts_set_int(f, "bits", v == WARN_ONLY ? 2048 : 4096);
	if (v == HOSTILE)
		facts_set_str(f, "ssh.version", "OpenSSH_1.0|x=1 <b>&\x01\xff\xfe\n\rline");
	else
		facts_set_str(f, "ssh.version", "OpenSSH_9.2p1 Debian-2+deb12u3");
	if (v == MISSING)
		facts_set_error(f, "bits", "timeout in stage 'hostkey'");
}

static int
run(enum variant v, const char *profile, struct report *r, struct sbuf *out)
{
	struct facts f;
	int rc;

	facts_for(&f, v);
	report_init(r, "ssh", "check_baseline_ssh");
	r->target = xstrdup("127.0.0.1:2222");
	r->host_id = xstrdup("fw-1.aarhus.dk");
	eval_run(r, &B, "ssh", profile, &f, NULL, "2026-11-28");
	sbuf_init(out, 1 << 20);
	rc = report_format(r, out);
	facts_release(&f);
	return rc;
}

static char *
line(const char *text, size_t n)
{
	const char *p = text, *end;

	while (n-- && p)
		p = (p = strchr(p, '\n')) ? p + 1 : NULL;
	if (!p)
		return xstrdup("");
	end = strchr(p, '\n');
	return xstrndup(p, end ? (size_t)(end - p) : strlen(p));
}

static const struct {
	enum variant v;
	const char *profile;
	int exit;
	const char *first;
} firsts[] = {
	{ ALL_PASS, "basis", 0,
	  "BASELINE OK - ssh 127.0.0.1:2222: 2 of 2 controls passed|compliance=100%;;;0;100 "
	  "controls_passed=2 controls_failed=0 controls_critical=0 controls_warning=0 "
	  "controls_error=0 controls_waived=0 controls_na=0" },
	{ ONE_CRIT, "udvidet", 2,
	  "BASELINE CRITICAL - ssh 127.0.0.1:2222: 2 of 3 controls failed (2 critical, 0 warning): "
	  "TST-001 Protocol 2|compliance=33%;;;0;100 controls_passed=1 controls_failed=2 "
	  "controls_critical=2 controls_warning=0 controls_error=0 controls_waived=0 controls_na=0" },
	{ WARN_ONLY, "basis", 1,
	  "BASELINE WARNING - ssh 127.0.0.1:2222: 1 of 2 controls failed (0 critical, 1 warning): "
	  "TST-002 Strong host keys|compliance=50%;;;0;100 controls_passed=1 controls_failed=1 "
	  "controls_critical=0 controls_warning=1 controls_error=0 controls_waived=0 controls_na=0" },
	{ MISSING, "basis", 3,
	  "BASELINE UNKNOWN - ssh 127.0.0.1:2222: 1 of 2 controls not evaluated: TST-002 Strong "
	  "host keys|compliance=50%;;;0;100 controls_passed=1 controls_failed=0 controls_critical=0 "
	  "controls_warning=0 controls_error=1 controls_waived=0 controls_na=0" },
};

static void
test_first_line(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(firsts) / sizeof(firsts[0]); i++) {
		struct report r;
		struct sbuf out;
		char *first;
		int rc = run(firsts[i].v, firsts[i].profile, &r, &out);

		first = line(sbuf_str(&out), 0);
		if (rc != firsts[i].exit || strcmp(first, firsts[i].first) != 0)
			fail_msg("row %zu: exit %d\n got  %s\n want %s", i, rc, first, firsts[i].first);
		assert_true(strchr(first, '|') - first < 200);	/* the text part stays short */
		free(first);
		sbuf_release(&out);
		report_release(&r);
	}
}

static void
test_worst_first(void **state)
{
	struct report r;
	struct sbuf out;
	char *l1, *l2, *l3;

	(void)state;
	assert_int_equal(run(ONE_CRIT, "udvidet", &r, &out), 2);
	l1 = line(sbuf_str(&out), 1);
	l2 = line(sbuf_str(&out), 2);
	l3 = line(sbuf_str(&out), 3);
	assert_true(strncmp(l1, "[CRITICAL] TST-001 Protocol 2: observed ssh.protocol=1.99, expected ssh.protocol = 2.0", 80) == 0);
	assert_true(strncmp(l2, "[CRITICAL] TST-002 ", 19) == 0);
	assert_non_null(strstr(l2, "ssh.hostkey_algorithms includes ssh-dss (of 2)"));
	assert_true(strncmp(l3, "[OK] TST-003 ", 13) == 0);
	free(l1);
	free(l2);
	free(l3);
	assert_non_null(strstr(sbuf_str(&out), "\nbaseline mini 2026.1 sha256 "));
	assert_non_null(strstr(sbuf_str(&out), " profile udvidet\n"));
	sbuf_release(&out);
	report_release(&r);
}

/* Anything a peer sends is made safe: no '|', no control characters, no HTML, valid UTF-8. */
static void
test_sanitise(void **state)
{
	static const struct {
		const char *in, *out;
	} rows[] = {
		{ "a|b", "a/b" },
		{ "<script>&", "(script)+" },
		{ "tab\there\nnl\rcr", "tab here nl cr" },
		{ "\x01\x7f", "  " },
		{ "bad \xff\xfe utf8", "bad ?? utf8" },
		{ "ok \xc3\xa6\xc3\xb8\xc3\xa5", "ok \xc3\xa6\xc3\xb8\xc3\xa5" },	/* æøå stay */
		{ "overlong \xc0\xaf", "overlong ??" },
		{ "surrogate \xed\xa0\x80", "surrogate ???" },
		{ "cut \xe2\x80", "cut ??" },
		{ "c1 \xc2\x85", "c1 ??" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct sbuf sb;

		sbuf_init(&sb, 1024);
		report_sanitize(&sb, rows[i].in);
		if (strcmp(sbuf_str(&sb), rows[i].out) != 0)
			fail_msg("row %zu: got '%s' want '%s'", i, sbuf_str(&sb), rows[i].out);
		sbuf_release(&sb);
	}
}

static void
test_hostile_values_in_output(void **state)
{
	struct report r;
	struct sbuf out;
	const char *p, *bar;

	(void)state;
	run(HOSTILE, "udvidet", &r, &out);
	bar = strchr(sbuf_str(&out), '|');
	assert_non_null(bar);
	assert_null(strchr(bar + 1, '|'));	/* the only '|' is the perfdata separator */
	for (p = sbuf_str(&out); *p; p++) {
		assert_false(*p == '<' || *p == '>' || *p == '&' || *p == '\r');
		assert_false((unsigned char)*p < 0x20 && *p != '\n');
	}
	assert_non_null(strstr(sbuf_str(&out), "OpenSSH_1.0/x=1 (b)+"));
	sbuf_release(&out);
	report_release(&r);
}

/* The cap cuts long output, says how much, and never cuts perfdata. */
static void
test_output_cap(void **state)
{
	struct report r;
	struct sbuf out;
	struct facts f;
	size_t i;

	(void)state;
	facts_for(&f, ONE_CRIT);
	report_init(&r, "ssh", "check_baseline_ssh");
	r.target = xstrdup("127.0.0.1:2222");
	/* 200 results with long observed values */
	for (i = 0; i < 200; i++) {
		struct sbuf obs;
		size_t k;

		sbuf_init(&obs, 4096);
		for (k = 0; k < 50; k++)
			sbuf_addstr(&obs, "weak-algorithm ");
		report_add(&r, &B.controls[i % 3], RES_FAIL, STATE_CRITICAL, sbuf_detach(&obs),
			   xstrdup("none"), NULL);
	}
	r.max_output = 2000;
	r.perfdata_controls = true;
	sbuf_init(&out, 1 << 20);
	assert_int_equal(report_format(&r, &out), 2);
	assert_non_null(strstr(sbuf_str(&out), " more (see --output-format json)"));
	assert_non_null(strstr(sbuf_str(&out), "controls_na=0 TST-001=2"));	/* perfdata whole */
	/* the cap holds for everything but the first line's perfdata */
	assert_true(out.len <= 2000 + strlen(strchr(sbuf_str(&out), '|')));
	sbuf_release(&out);
	report_release(&r);
	facts_release(&f);
}

static void
test_fatal_and_direct(void **state)
{
	struct report r;
	struct sbuf out;

	(void)state;
	report_init(&r, "ssh", "check_baseline_ssh");
	r.target = xstrdup("127.0.0.1:2222");
	report_fatal(&r, STATE_UNKNOWN, "timeout after 2s in stage 'banner'; %s", "<x>");
	report_fatal(&r, STATE_CRITICAL, "second call is ignored");
	sbuf_init(&out, 1 << 16);
	assert_int_equal(report_format(&r, &out), 3);
	assert_string_equal(sbuf_str(&out),
			    "BASELINE UNKNOWN - ssh 127.0.0.1:2222: timeout after 2s in stage 'banner', (x)\n");
	sbuf_release(&out);
	report_release(&r);

	report_init(&r, "ssh", "check_baseline_ssh");
	report_direct(&r, "help text\n");
	sbuf_init(&out, 1 << 16);
	assert_int_equal(report_format(&r, &out), 3);
	assert_string_equal(sbuf_str(&out), "help text\n");
	sbuf_release(&out);
	report_release(&r);
}

/* An empty selection is not OK; thresholds on compliance raise the state. */
static void
test_state_rules(void **state)
{
	struct report r;
	struct sbuf out;
	struct facts f;
	struct errmsg e;

	(void)state;
	facts_for(&f, ALL_PASS);
	report_init(&r, "web", "check_baseline_web");
	eval_run(&r, &B, "web", "basis", &f, NULL, "2026-11-28");
	assert_int_equal(r.n, 0);
	assert_int_equal(report_state(&r), STATE_UNKNOWN);
	report_release(&r);

	report_init(&r, "ssh", "check_baseline_ssh");
	eval_run(&r, &B, "ssh", "udvidet", &f, NULL, "2026-11-28");
	assert_int_equal(report_state(&r), STATE_OK);
	assert_int_equal(range_parse(&r.crit, "101:", &e), 0);
	r.have_crit = true;
	assert_int_equal(report_state(&r), STATE_CRITICAL);
	r.have_crit = false;
	assert_int_equal(range_parse(&r.warn, "90:", &e), 0);
	r.have_warn = true;
	assert_int_equal(report_state(&r), STATE_OK);
	sbuf_init(&out, 1 << 16);
	report_format(&r, &out);
	assert_non_null(strstr(sbuf_str(&out), "compliance=100%;90;;0;100"));
	sbuf_release(&out);
	report_release(&r);
	facts_release(&f);
}

static void
test_json(void **state)
{
	struct report r;
	struct sbuf out;
	struct errmsg e;
	struct jv *doc;
	const struct jv *controls, *counts;

	(void)state;
	run(MISSING, "udvidet", &r, &out);
	sbuf_reset(&out);
	r.format = OUT_JSON;
	assert_int_equal(report_format(&r, &out), 3);
	assert_int_equal(json_parse(sbuf_str(&out), out.len, "output", &doc, &e), 0);
	assert_string_equal(jv_get(doc, "state")->s, "UNKNOWN");
	assert_int_equal(jv_get(doc, "exit_code")->i, 3);
	assert_int_equal(jv_get(doc, "format_version")->i, 1);
	assert_string_equal(jv_get(jv_get(doc, "baseline"), "id")->s, "mini");
	counts = jv_get(doc, "counts");
	assert_int_equal(jv_get(counts, "error")->i, 1);
	assert_int_equal(jv_get(counts, "total")->i, 3);
	controls = jv_get(doc, "controls");
	assert_int_equal(controls->n, 3);
	assert_string_equal(jv_get(&controls->items[0], "id")->s, "TST-002");
	assert_string_equal(jv_get(&controls->items[0], "result")->s, "ERROR");
	assert_non_null(strstr(jv_get(&controls->items[0], "reason")->s, "timeout in stage 'hostkey'"));
	jv_free(doc);

	sbuf_reset(&out);
	report_to_json(&r, &out, true);
	assert_null(strchr(sbuf_str(&out), '\n'));
	sbuf_release(&out);
	report_release(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_line),
		cmocka_unit_test(test_worst_first),
		cmocka_unit_test(test_sanitise),
		cmocka_unit_test(test_hostile_values_in_output),
		cmocka_unit_test(test_output_cap),
		cmocka_unit_test(test_fatal_and_direct),
		cmocka_unit_test(test_state_rules),
		cmocka_unit_test(test_json),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
