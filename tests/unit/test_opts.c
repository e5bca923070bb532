/* The shared options: values, defaults, --help/--version, bad use (exit 3, short usage). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "opts.h"
#include "report.h"
#include "util.h"

#define MAXARGS 12

static const struct opts_ext ext = {
	.usage = "-H HOST [-p PORT]",
	.description = "Test check.",
	.default_port = "22",
	.needs_host = true,
};

struct row {
	const char *argv[MAXARGS];
	int rc;			/* 0 go on, -1 stop */
	const char *direct;	/* substring of the printed text when stopping */
};

static const struct row rows[] = {
	{ { "check_x", "-H", "127.0.0.1" }, 0, NULL },
	{ { "check_x", "--host=::1", "-p", "2222", "-t", "5", "-v", "-v" }, 0, NULL },
	{ { "check_x", "-H", "h", "--output-format", "json", "--lang", "da", "-w", "90:", "-c", "75:" }, 0, NULL },
	{ { "check_x", "-h" }, -1, "Usage:\n check_x -H HOST [-p PORT] [OPTIONS]" },
	{ { "check_x", "--help" }, -1, " --waivers=FILE\n" },
	{ { "check_x", "-V" }, -1, "check_x " },
	{ { "/usr/lib/nagios/plugins/check_x", "--version" }, -1, "check_x " },
	{ { "check_x" }, -1, "BASELINE UNKNOWN - check_x: -H HOST is required\nUsage: check_x -H HOST" },
	{ { "check_x", "-H", "h", "--bogus" }, -1, "BASELINE UNKNOWN - check_x: unknown option '--bogus'\n" },
	{ { "check_x", "-H", "h", "-Z" }, -1, "BASELINE UNKNOWN - check_x: unknown option '-Z'\n" },
	{ { "check_x", "-H" }, -1, "BASELINE UNKNOWN - check_x: option '-H' needs a value\n" },
	{ { "check_x", "-H", "h", "--baseline" }, -1, "BASELINE UNKNOWN - check_x: option '--baseline' needs a value\n" },
	{ { "check_x", "-H", "h", "-p", "0" }, -1, "invalid port '0' (1-65535)" },
	{ { "check_x", "-H", "h", "-p", "22x" }, -1, "invalid port '22x' (1-65535)" },
	{ { "check_x", "-H", "h", "-t", "0" }, -1, "invalid timeout '0' (1-600 seconds)" },
	{ { "check_x", "-H", "h", "-t", "-5" }, -1, "invalid timeout '-5'" },
	{ { "check_x", "-H", "h", "-w", "10x" }, -1, "invalid range '10x'" },
	{ { "check_x", "-H", "h", "--lang", "de" }, -1, "invalid language 'de' (en or da)" },
	{ { "check_x", "-H", "h", "--output-format", "xml" }, -1, "invalid output format 'xml'" },
	{ { "check_x", "-H", "h", "--max-output", "10" }, -1, "invalid --max-output '10'" },
	{ { "check_x", "-H", "h", "--timeout-result", "bad" }, -1, "invalid state 'bad'" },
	{ { "check_x", "-H", "h", "extra" }, -1, "unexpected argument 'extra' (no positional arguments)" },
};

static void
test_rows(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char *argv[MAXARGS + 1];
		struct report r;
		struct opts o;
		struct sbuf out;
		int argc = 0, rc;

		while (argc < MAXARGS && rows[i].argv[argc]) {
			argv[argc] = (char *)(uintptr_t)rows[i].argv[argc];
			argc++;
		}
		argv[argc] = NULL;
		report_init(&r, "x", "check_x");
		rc = opts_parse(&o, argc, argv, &ext, &r);
		if (rc != rows[i].rc)
			fail_msg("row %zu: rc %d want %d", i, rc, rows[i].rc);
		sbuf_init(&out, 1 << 16);
		if (rc == -1) {
			assert_int_equal(report_format(&r, &out), 3);	/* help, version, bad use: 3 */
			if (!strstr(sbuf_str(&out), rows[i].direct))
				fail_msg("row %zu: '%s' not in:\n%s", i, rows[i].direct, sbuf_str(&out));
		}
		sbuf_release(&out);
		report_release(&r);
	}
}

static void
test_values(void **state)
{
	static const char *const args[] = { "check_x", "--host=::1", "-p", "2222", "-t", "5", "-v",
					    "-v", "-v", "-v", "--timeout-result", "critical",
					    "--unreachable-result", "1", "--perfdata-controls",
					    "--host-name", "fw-1.aarhus.dk", NULL };
	char *argv[18];
	size_t i;
	struct report r;
	struct opts o;

	(void)state;
	for (i = 0; i < 18; i++)
		argv[i] = (char *)(uintptr_t)args[i];
	report_init(&r, "x", "check_x");
	assert_int_equal(opts_parse(&o, 17, argv, &ext, &r), 0);
	assert_string_equal(o.host, "::1");
	assert_string_equal(o.port, "2222");
	assert_int_equal(o.timeout, 5);
	assert_int_equal(o.verbose, 3);	/* capped at 3 */
	assert_int_equal(o.timeout_result, STATE_CRITICAL);
	assert_int_equal(o.unreachable_result, STATE_WARNING);
	assert_true(r.perfdata_controls);
	assert_string_equal(o.host_name, "fw-1.aarhus.dk");
	assert_string_equal(o.lang, "en");
	assert_int_equal(o.max_output, 8000);
	assert_non_null(strstr(o.baseline, "/baselines/dk-kommune.json"));
	report_release(&r);
}

/* The short usage fits 80 columns and 23 lines (plugin guidelines). */
static void
test_usage_size(void **state)
{
	char a0[] = "check_baseline_ssh", a1[] = "--nope";
	char *argv[] = { a0, a1, NULL };
	struct report r;
	struct opts o;
	struct sbuf out;
	const char *p;
	size_t lines = 0, col = 0;

	(void)state;
	report_init(&r, "x", "check_baseline_ssh");
	assert_int_equal(opts_parse(&o, 2, argv, &ext, &r), -1);
	sbuf_init(&out, 1 << 16);
	report_format(&r, &out);
	for (p = sbuf_str(&out); *p; p++) {
		if (*p == '\n') {
			lines++;
			col = 0;
		} else {
			assert_true(++col <= 80);
		}
	}
	assert_true(lines <= 23);
	sbuf_release(&out);
	report_release(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_usage_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
