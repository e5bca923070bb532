/* Baseline loading, validation messages, profiles and tailoring. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baseline.h"
#include "json.h"
#include "util.h"

#define MINI "tests/data/mini-baseline.json"

static char *mini;
static size_t mini_len;

static int
setup(void **state)
{
	struct errmsg e;

	(void)state;
	return util_read_file(MINI, "test", 1 << 20, &mini, &mini_len, &e);
}

static int
teardown(void **state)
{
	(void)state;
	free(mini);
	return 0;
}

/* mini with the first occurrence of `from` replaced by `to` (caller frees). */
static char *
mutate(const char *from, const char *to)
{
	const char *at = strstr(mini, from);
	struct sbuf sb;

	if (!at)
		fail_msg("fixture has no '%s'", from);
	sbuf_init(&sb, 1 << 20);
	sbuf_add(&sb, mini, (size_t)(at - mini));
	sbuf_addstr(&sb, to);
	sbuf_addstr(&sb, at + strlen(from));
	return sbuf_detach(&sb);
}

static void
test_load_valid(void **state)
{
	struct baseline b;
	struct errmsg e;
	const struct control *c;

	(void)state;
	assert_int_equal(baseline_load(&b, MINI, &e), 0);
	assert_string_equal(b.id, "mini");
	assert_string_equal(b.version, "2026.1");
	assert_int_equal(b.ncontrols, 4);
	assert_int_equal(strlen(b.sha256), 64);
	c = baseline_find(&b, "TST-003");
	assert_non_null(c);
	assert_int_equal(c->control_version, 2);
	assert_string_equal(text_get(&c->title, "da"), "Nylig version");
	assert_string_equal(text_get(&c->title, "en"), "Recent version");
	assert_false(baseline_in_profile(&b, c, "basis"));
	assert_true(baseline_in_profile(&b, c, "udvidet"));
	assert_true(baseline_in_profile(&b, baseline_find(&b, "TST-001"), "udvidet"));
	assert_null(baseline_find(&b, "TST-999"));
	assert_int_equal(baseline_find(&b, "TST-002")->nrefs, 3);
	assert_true(control_in_family(baseline_find(&b, "TST-001"), "ssh"));
	assert_false(control_in_family(baseline_find(&b, "TST-001"), "mail"));
	baseline_release(&b);
}

static void
test_also_in(void **state)
{
	char *text = mutate("\"family\": \"ssh\"", "\"family\": \"ssh\", \"also_in\": [\"mail\", \"web\"]");
	struct baseline b;
	struct errmsg e;
	const struct control *c;

	(void)state;
	assert_int_equal(baseline_load_buf(&b, text, strlen(text), "b.json", &e), 0);
	c = baseline_find(&b, "TST-001");
	assert_true(control_in_family(c, "ssh"));
	assert_true(control_in_family(c, "mail"));
	assert_true(control_in_family(c, "web"));
	assert_false(control_in_family(c, "tls"));
	assert_false(control_in_family(baseline_find(&b, "TST-002"), "mail"));
	baseline_release(&b);
	free(text);
}

struct bad {
	const char *from, *to, *msg;
};

static const struct bad bads[] = {
	{ "\"format\": 1", "\"format\": 2", "baseline 'b.json': format: expected 1" },
	{ "\"id\": \"mini\",", "", "baseline 'b.json': id: missing" },
	{ "\"op\": \"eq\"", "\"op\": \"gte\"", "baseline 'b.json': controls[0].rule.op: unknown operator 'gte'" },
	{ "\"severity\": \"critical\"", "\"severity\": \"high\"", "baseline 'b.json': controls[0].severity: expected 'critical' or 'warning', not 'high'" },
	{ "\"id\": \"TST-001\"", "\"id\": \"tst-1\"", "baseline 'b.json': controls[0].id: 'tst-1' is not a control id like 'SSH-003'" },
	{ "\"id\": \"TST-001\"", "\"id\": \"TST--001\"", "baseline 'b.json': controls[0].id: 'TST--001' is not a control id like 'SSH-003'" },
	{ "\"id\": \"TST-001\"", "\"id\": \"TST-01\"", "baseline 'b.json': controls[0].id: 'TST-01' is not a control id like 'SSH-003'" },
	{ "\"id\": \"TST-001\"", "\"id\": \"TST-0011\"", "baseline 'b.json': controls[0].id: 'TST-0011' is not a control id like 'SSH-003'" },
	{ "\"id\": \"TST-001\"", "\"id\": \"-TST-001\"", "baseline 'b.json': controls[0].id: '-TST-001' is not a control id like 'SSH-003'" },
	{ "\"id\": \"TST-002\"", "\"id\": \"TST-001\"", "baseline 'b.json': controls[1].id: control 'TST-001' already exists" },
	{ "\"family\": \"ssh\"", "\"family\": \"ftp\"", "baseline 'b.json': controls[0].family: unknown family 'ftp'" },
	{ "\"family\": \"ssh\"", "\"family\": \"ssh\", \"also_in\": [\"mail\", \"ftp\"]", "baseline 'b.json': controls[0].also_in[1]: expected a family (host, ssh, tls, snmp, mail or web)" },
	{ "\"family\": \"ssh\"", "\"family\": \"ssh\", \"also_in\": [\"ssh\"]", "baseline 'b.json': controls[0].also_in[0]: 'ssh' is the control's own family" },
	{ "\"family\": \"ssh\"", "\"family\": \"ssh\", \"also_in\": [\"web\", \"web\"]", "baseline 'b.json': controls[0].also_in[1]: 'web' is listed twice" },
	{ "\"family\": \"ssh\"", "\"family\": \"ssh\", \"also_in\": []", "baseline 'b.json': controls[0].also_in: expected an array of 1 to 5 families" },
	{ "\"profile\": \"basis\", \"severity\"", "\"profile\": \"gold\", \"severity\"", "baseline 'b.json': controls[0].profile: no profile 'gold'" },
	{ "\"da\": \"Protokol 2\"", "\"de\": \"Protokoll 2\"", "baseline 'b.json': controls[0].title.de: unknown key" },
	{ "{\"en\": \"Protocol 2\", \"da\": \"Protokol 2\"}", "{\"en\": \"Protocol 2\"}", "baseline 'b.json': controls[0].title.da: missing" },
	{ "\"references\": {\"nis2\": [\"21(2)(h)\"], \"iso27001_2022\": [\"A.8.24\"]}", "\"references\": {\"nis2\": [\"21(2)(h)\"]}", "baseline 'b.json': controls[0].references.iso27001_2022: missing (every control names it)" },
	{ "\"iso27001_2022\": [\"A.8.24\"]}", "\"iso27001_2022\": [\"A.8.24\"], \"sox\": [\"1\"]}", "baseline 'b.json': controls[0].references.sox: unknown framework (nis2, iso27001_2022, cis_v8, dk, other)" },
	{ "\"inherits\": \"basis\"", "\"inherits\": \"gold\"", "baseline 'b.json': profiles[1].inherits: no profile 'gold'" },
	{ "\"stricter\": \"higher\"", "\"stricter\": \"up\"", "baseline 'b.json': controls[1].params.min_bits.stricter: expected higher, lower, superset, subset or fixed" },
	{ "\"warning_rule\"", "\"warning_rulez\"", "baseline 'b.json': controls[1].warning_rulez: unknown key" },
	{ "\"table\": \"min_versions\"", "\"table\": \"max_versions\"", "baseline 'b.json': controls[2].rule.table: no table 'max_versions' in the baseline" },
	{ "\"match\": \"^OpenSSH_\"", "\"match\": \"^(OpenSSH_\"", "baseline 'b.json': tables.min_versions[0].match: invalid regular expression '^(OpenSSH_'" },
	{ "\"version\": 2,", "\"version\": \"2\",", "baseline 'b.json': controls[2].version: expected an integer from 1" },
	{ "\"severity\": \"warning\"", "\"severity\": \"warning\", \"warning_rule\": {\"op\": \"present\", \"fact\": \"x\"}", "baseline 'b.json': controls[2].warning_rule: only a critical control can grade" },
	{ "\"controls\": [", "\"controls\": 5, \"x\": [", "baseline 'b.json': x: unknown key" },
};

static void
test_load_errors(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		char *text = mutate(bads[i].from, bads[i].to);
		struct baseline b;
		struct errmsg e;

		e.msg[0] = '\0';
		if (baseline_load_buf(&b, text, strlen(text), "b.json", &e) == 0)
			fail_msg("row %zu: accepted", i);
		if (strcmp(e.msg, bads[i].msg) != 0)
			fail_msg("row %zu:\n got  %s\n want %s", i, e.msg, bads[i].msg);
		baseline_release(&b);	/* safe after a failed load */
		free(text);
	}
}

static void
test_load_file_errors(void **state)
{
	struct baseline b;
	struct errmsg e;

	(void)state;
	assert_int_equal(baseline_load(&b, "tests/data/no-such-file.json", &e), -1);
	assert_non_null(strstr(e.msg, "cannot read baseline 'tests/data/no-such-file.json'"));
	assert_int_equal(baseline_load_buf(&b, "{\"format\": 1,", 13, "t.json", &e), -1);
	assert_non_null(strstr(e.msg, "baseline 't.json': invalid JSON"));
}

/* Writes a tailoring file and applies it to a fresh mini baseline. */
static int
tailor(const char *json, struct baseline *b, struct errmsg *e)
{
	char path[] = "/tmp/cb-tailoring-XXXXXX";
	int fd = mkstemp(path), rc;
	FILE *f;

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs(json, f);
	fclose(f);
	assert_int_equal(baseline_load(b, MINI, e), 0);
	rc = baseline_tailor(b, path, e);
	/* messages name the file: replace the random path for comparison */
	if (rc == -1) {
		char *at = strstr(e->msg, path);

		if (at) {
			char rest[ERRMSG_MAX];

			snprintf(rest, sizeof(rest), "%s", at + strlen(path));
			snprintf(at, sizeof(e->msg) - (size_t)(at - e->msg), "T%s", rest);
		}
	}
	unlink(path);
	return rc;
}

#define HEAD "{\"format\": 1, \"tailoring\": {\"id\": \"aarhus\", \"version\": \"1\", " \
	     "\"title\": {\"en\": \"Aarhus\", \"da\": \"Aarhus\"}}, " \
	     "\"extends\": {\"baseline\": \"mini\", \"version\": \"2026.1\"}"

static const struct {
	const char *json;
	const char *msg;	/* NULL: accepted */
} tailorings[] = {
	{ HEAD "}", NULL },
	{ HEAD ", \"profile\": \"udvidet\", \"params\": {\"TST-002.min_bits\": 4096}, "
	  "\"severity\": {\"TST-003\": \"critical\"}}", NULL },
	{ HEAD ", \"params\": {\"TST-002.weak\": [\"ssh-dss\", \"ssh-rsa\"]}}", NULL },
	{ HEAD ", \"params\": {\"TST-002.min_bits\": 1024}}",
	  "tailoring 'T': params.TST-002.min_bits: 1024 is looser than the national 2048 for TST-002 (use a waiver)" },
	{ HEAD ", \"params\": {\"TST-002.weak\": []}}",
	  "tailoring 'T': params.TST-002.weak: [] is looser than the national [ssh-dss] for TST-002 (use a waiver)" },
	/* a subset of patterns: plain strings the national patterns match, the national items verbatim */
	{ HEAD ", \"params\": {\"TST-002.sources\": [\"ntp1.example\", \"10.0.0.1\"]}}", NULL },
	{ HEAD ", \"params\": {\"TST-002.sources\": [\"ntp?.example\"]}}", NULL },
	{ HEAD ", \"params\": {\"TST-002.sources\": []}}", NULL },
	{ HEAD ", \"params\": {\"TST-002.sources\": [\"ntp10.example\"]}}",
	  "tailoring 'T': params.TST-002.sources: [ntp10.example] is looser than the national [ntp?.example, 10.0.0.1] for TST-002 (use a waiver)" },
	{ HEAD ", \"params\": {\"TST-002.sources\": [\"ntp[12].example\"]}}",
	  "tailoring 'T': params.TST-002.sources: [ntp[12].example] is looser than the national [ntp?.example, 10.0.0.1] for TST-002 (use a waiver)" },
	{ HEAD ", \"params\": {\"TST-002.sources\": [\"10.0.0.*\"]}}",
	  "tailoring 'T': params.TST-002.sources: [10.0.0.*] is looser than the national [ntp?.example, 10.0.0.1] for TST-002 (use a waiver)" },
	{ HEAD ", \"severity\": {\"TST-001\": \"warning\"}}",
	  "tailoring 'T': severity.TST-001: cannot lower TST-001 from critical to warning (use a waiver)" },
	{ HEAD ", \"severity\": {\"TST-404\": \"critical\"}}",
	  "tailoring 'T': severity.TST-404: no such control" },
	{ HEAD ", \"params\": {\"TST-002.nope\": 1}}",
	  "tailoring 'T': params.TST-002.nope: no such control parameter" },
	{ HEAD ", \"drop\": [\"TST-001\"]}", "tailoring 'T': drop: unknown key" },
	{ HEAD ", \"profile\": \"gold\"}", "tailoring 'T': profile: no profile 'gold' in the baseline" },
	{ "{\"format\": 1, \"tailoring\": {\"id\": \"a\", \"version\": \"1\", \"title\": {\"en\": \"A\", \"da\": \"A\"}}, "
	  "\"extends\": {\"baseline\": \"mini\", \"version\": \"2025.9\"}}",
	  "tailoring 'T': extends.version: '2025.9', but the baseline is version '2026.1'" },
	{ HEAD ", \"controls\": [{\"id\": \"TST-001\", \"version\": 1, \"family\": \"ssh\", \"profile\": \"basis\", "
	  "\"severity\": \"warning\", \"title\": {\"en\": \"x\", \"da\": \"x\"}, \"rationale\": {\"en\": \"x\", \"da\": \"x\"}, "
	  "\"remediation\": {\"en\": \"x\", \"da\": \"x\"}, \"references\": {\"nis2\": [\"a\"], \"iso27001_2022\": [\"b\"]}, "
	  "\"rule\": {\"op\": \"present\", \"fact\": \"x\"}}]}",
	  "tailoring 'T': controls[0].id: control 'TST-001' already exists" },
	{ HEAD ", \"controls\": [{\"id\": \"AAR-SSH-001\", \"version\": 1, \"family\": \"ssh\", \"profile\": \"basis\", "
	  "\"severity\": \"warning\", \"title\": {\"en\": \"x\", \"da\": \"x\"}, \"rationale\": {\"en\": \"x\", \"da\": \"x\"}, "
	  "\"remediation\": {\"en\": \"x\", \"da\": \"x\"}, \"references\": {\"nis2\": [\"a\"], \"iso27001_2022\": [\"b\"]}, "
	  "\"rule\": {\"op\": \"present\", \"fact\": \"x\"}}]}", NULL },
};

static void
test_tailoring(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(tailorings) / sizeof(tailorings[0]); i++) {
		struct baseline b;
		struct errmsg e;
		int rc;

		e.msg[0] = '\0';
		rc = tailor(tailorings[i].json, &b, &e);
		if (tailorings[i].msg == NULL && rc != 0)
			fail_msg("row %zu refused: %s", i, e.msg);
		if (tailorings[i].msg && rc == 0)
			fail_msg("row %zu accepted", i);
		if (tailorings[i].msg && strcmp(e.msg, tailorings[i].msg) != 0)
			fail_msg("row %zu:\n got  %s\n want %s", i, e.msg, tailorings[i].msg);
		baseline_release(&b);
	}
}

static void
test_tailoring_effects(void **state)
{
	struct baseline b;
	struct errmsg e;
	const struct control *c;

	(void)state;
	assert_int_equal(tailor(HEAD ", \"profile\": \"udvidet\", \"params\": {\"TST-002.min_bits\": 4096}, "
				     "\"severity\": {\"TST-003\": \"critical\"}}", &b, &e), 0);
	assert_string_equal(b.tailoring_id, "aarhus");
	assert_string_equal(b.tailoring_profile, "udvidet");
	assert_int_equal(strlen(b.tailoring_sha256), 64);
	c = baseline_find(&b, "TST-003");
	assert_int_equal(c->severity, SEV_CRITICAL);
	c = baseline_find(&b, "TST-002");
	assert_int_equal(c->params[0].value->i, 4096);
	baseline_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_valid),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_also_in),
		cmocka_unit_test(test_load_file_errors),
		cmocka_unit_test(test_tailoring),
		cmocka_unit_test(test_tailoring_effects),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
