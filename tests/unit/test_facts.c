/* Facts: typed setters, replacement, errors, formatting for "observed". */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "facts.h"
#include "util.h"

static void
test_format(void **state)
{
	static const char *const list[] = { "a", "b", "c" };
	static const struct {
		const char *name, *want;
	} rows[] = {
		{ "b", "true" },
		{ "i", "-42" },
		{ "n", "0.25" },
		{ "s", "OpenSSH_9.2p1" },
		{ "l", "a, b, c" },
		{ "e", "(none)" },
		{ "x", "(not gathered)" },
	};
	struct facts f;
	size_t i;

	(void)state;
	facts_init(&f);
	facts_set_bool(&f, "b", true);
	facts_set_int(&f, "i", -42);
	facts_set_num(&f, "n", 0.25);
	facts_set_str(&f, "s", "OpenSSH_9.2p1");
	facts_set_list(&f, "l", list, 3);
	facts_set_list(&f, "e", NULL, 0);
	facts_set_error(&f, "x", "timeout in stage '%s'", "auth");
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct sbuf sb;

		sbuf_init(&sb, 256);
		fact_format(facts_get(&f, rows[i].name), &sb);
		if (strcmp(sbuf_str(&sb), rows[i].want) != 0)
			fail_msg("%s: got '%s' want '%s'", rows[i].name, sbuf_str(&sb), rows[i].want);
		sbuf_release(&sb);
	}
	assert_false(facts_get(&f, "x")->ok);
	assert_string_equal(facts_get(&f, "x")->reason, "timeout in stage 'auth'");
	assert_null(facts_get(&f, "never-set"));
	facts_release(&f);
	facts_release(&f);	/* release twice is safe */
}

static void
test_replace(void **state)
{
	static const char *const one[] = { "x" };
	struct facts f;
	char name[16];
	int i;

	(void)state;
	facts_init(&f);
	facts_set_error(&f, "k", "not yet");
	facts_set_list(&f, "k", one, 1);	/* a value replaces the error */
	assert_true(facts_get(&f, "k")->ok);
	assert_int_equal(facts_get(&f, "k")->type, FACT_LIST);
	facts_set_int(&f, "k", 7);		/* and a new type the old one */
	assert_int_equal(facts_get(&f, "k")->i, 7);
	assert_int_equal(f.n, 1);
	for (i = 0; i < 100; i++) {	/* growth keeps earlier facts */
		snprintf(name, sizeof(name), "f%d", i);
		facts_set_int(&f, name, i);
	}
	assert_int_equal(facts_get(&f, "f0")->i, 0);
	assert_int_equal(facts_get(&f, "f99")->i, 99);
	assert_int_equal(facts_get(&f, "k")->i, 7);
	facts_release(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_replace),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
