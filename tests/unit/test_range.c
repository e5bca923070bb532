/* Unit tests for common/range.c: plugin-contract.md c.1, c.2 and c.4 items 25-27. */
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "range.h"
#include "util.h"
#include "banned.h"

/* Ranges that parse: the fields, and the canonical text range_format gives. */
static const struct parse_row {
	const char *in;
	double start, end;
	bool start_inf, end_inf, inside;
	const char *canon;
} parse_rows[] = {
	{ "10", 0, 10, false, false, false, "10" },
	{ "10:", 10, 0, false, true, false, "10:" },
	{ "~:10", 0, 10, true, false, false, "~:10" },
	{ "10:20", 10, 20, false, false, false, "10:20" },
	{ "@10:20", 10, 20, false, false, true, "@10:20" },
	{ "0:10", 0, 10, false, false, false, "10" },
	{ "0", 0, 0, false, false, false, "0" },
	{ "0:", 0, 0, false, true, false, "0:" },
	{ "~:", 0, 0, true, true, false, "~:" },
	{ "@~:", 0, 0, true, true, true, "@~:" },
	{ "@10", 0, 10, false, false, true, "@10" },
	{ "@10:", 10, 0, false, true, true, "@10:" },
	{ "@~:10", 0, 10, true, false, true, "@~:10" },
	{ "10:10", 10, 10, false, false, false, "10:10" },
	{ "-10:-5", -10, -5, false, false, false, "-10:-5" },
	{ "-10:", -10, 0, false, true, false, "-10:" },
	{ "~:-5", 0, -5, true, false, false, "~:-5" },
	{ "-0", 0, 0, false, false, false, "0" },
	{ "0.5:2.25", 0.5, 2.25, false, false, false, "0.5:2.25" },
	{ "1.000000", 0, 1, false, false, false, "1" },
	{ "0.000001", 0, 0.000001, false, false, false, "0.000001" },
	{ "007:010", 7, 10, false, false, false, "7:10" },
	{ "1000000000000000", 0, 1e15, false, false, false, "1000000000000000" },
	{ "-1000000000000000:", -1e15, 0, false, true, false, "-1000000000000000:" },
	{ "99.9:100", 99.9, 100, false, false, false, "99.9:100" },
	{ "90:", 90, 0, false, true, false, "90:" },
};

/* Ranges that do not parse, with the whole message. */
static const struct error_row {
	const char *in;
	const char *msg;
} error_rows[] = {
	{ "", "invalid range '': empty" },
	{ "@", "invalid range '@': empty" },
	{ "10x", "invalid range '10x': trailing characters" },
	{ "10:20x", "invalid range '10:20x': trailing characters" },
	{ "abc", "invalid range 'abc': expected a number" },
	{ "~", "invalid range '~': '~' must be followed by ':'" },
	{ "~10", "invalid range '~10': '~' must be followed by ':'" },
	{ "~:~", "invalid range '~:~': '~' is only allowed as the start" },
	{ "10:~", "invalid range '10:~': '~' is only allowed as the start" },
	{ "20:10", "invalid range '20:10': start greater than end" },
	{ "@20:10", "invalid range '@20:10': start greater than end" },
	{ "-5", "invalid range '-5': start greater than end" },
	{ "@@10", "invalid range '@@10': '@' given twice" },
	{ "10:@20", "invalid range '10:@20': expected a number" },
	{ ":", "invalid range ':': missing start before ':'" },
	{ ":10", "invalid range ':10': missing start before ':'" },
	{ "1:2:3", "invalid range '1:2:3': trailing characters" },
	{ " 10", "invalid range ' 10': expected a number" },
	{ "10 ", "invalid range '10 ': trailing characters" },
	{ "1e3", "invalid range '1e3': trailing characters" },
	{ "1E3", "invalid range '1E3': trailing characters" },
	{ "0x10", "invalid range '0x10': trailing characters" },
	{ "inf", "invalid range 'inf': expected a number" },
	{ "nan", "invalid range 'nan': expected a number" },
	{ "-inf:", "invalid range '-inf:': expected a number" },
	{ "+10", "invalid range '+10': expected a number" },
	{ "-", "invalid range '-': expected a number" },
	{ "--1", "invalid range '--1': expected a number" },
	{ ".5", "invalid range '.5': expected a number" },
	{ "5.", "invalid range '5.': expected a digit after '.'" },
	{ "1..2", "invalid range '1..2': expected a digit after '.'" },
	{ "1,5", "invalid range '1,5': trailing characters" },
	{ "10,20", "invalid range '10,20': trailing characters" },
	{ "0.1234567", "invalid range '0.1234567': more than 6 decimals" },
	{ "1000000000000001", "invalid range '1000000000000001': number out of bounds (at most 1e15)" },
	{ "~:-1000000000000001",
	  "invalid range '~:-1000000000000001': number out of bounds (at most 1e15)" },
	/* the message never carries a control character from the input */
	{ "10:\n", "invalid range '10:?': expected a number" },
	{ "\x1b[31m", "invalid range '?[31m': expected a number" },
	{ "10\xc3\xa6", "invalid range '10?" "?': trailing characters" },
	{ "1234567890123456789012345678901234567890123456789012345678901234567890",
	  "invalid range '1234567890123456789012345678901234567890123456789012345678901234...': "
	  "longer than 64 characters" },
};

/* Whether a value alerts: c.1's table and c.4 items 25-27. */
static const struct alert_row {
	const char *range;
	double v;
	bool alert;
} alert_rows[] = {
	/* "10": outside 0..10; negative values alert (item 25) */
	{ "10", -1, true }, { "10", -0.001, true }, { "10", 0, false }, { "10", 5, false },
	{ "10", 10, false }, { "10", 10.001, true }, { "10", 11, true },
	/* "10:": below 10 */
	{ "10:", 9.99, true }, { "10:", 10, false }, { "10:", 1e300, false }, { "10:", -1e300, true },
	/* "~:10": above 10; exactly 10 is OK */
	{ "~:10", 10, false }, { "~:10", 10.5, true }, { "~:10", -1e300, false },
	/* "10:20": outside 10..20, ends inclusive */
	{ "10:20", 9, true }, { "10:20", 10, false }, { "10:20", 15, false }, { "10:20", 20, false },
	{ "10:20", 21, true },
	/* "@10:20": inside 10..20, at 10 and at 20 too */
	{ "@10:20", 9.999, false }, { "@10:20", 10, true }, { "@10:20", 15, true },
	{ "@10:20", 20, true }, { "@10:20", 20.001, false },
	{ "@10", -1, false }, { "@10", 0, true }, { "@10", 10, true }, { "@10", 11, false },
	{ "@~:10", -5, true }, { "@~:10", 11, false },
	{ "@10:", 9, false }, { "@10:", 10, true },
	{ "~:", -1e300, false }, { "~:", 1e300, false }, { "@~:", 0, true },
	{ "-10:-5", -7, false }, { "-10:-5", 0, true },
	{ "0.5:2.25", 0.49, true }, { "0.5:2.25", 0.5, false },
	/* a value that is not a number always alerts */
	{ "10", NAN, true }, { "@10:20", NAN, true }, { "~:", NAN, true },
	/* compliance thresholds as the checks use them */
	{ "90:", 89, true }, { "90:", 90, false }, { "90:", 100, false },
};

/* The plain number for perfdata warn/crit (c.4 item 20). */
static const struct bound_row {
	const char *range;
	int rc;
	double bound;
} bound_rows[] = {
	{ "10", 0, 10 },      { "10:", 0, 10 },    { "~:10", 0, 10 },  { "90:", 0, 90 },
	{ "0:", 0, 0 },       { "0:10", 0, 10 },   { "-10:", 0, -10 }, { "~:-5", 0, -5 },
	{ "10:20", -1, 0 },   { "@10:20", -1, 0 }, { "@10", -1, 0 },   { "@10:", -1, 0 },
	{ "@~:10", -1, 0 },   { "~:", -1, 0 },     { "-10:-5", -1, 0 },
};

static void
test_parse(void **state)
{
	const struct parse_row *t;
	struct errmsg e;
	struct range r;
	char buf[80];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(parse_rows) / sizeof(parse_rows[0]); i++) {
		t = &parse_rows[i];
		e.msg[0] = '\0';
		memset(&r, 0x55, sizeof(r));
		if (range_parse(&r, t->in, &e) != 0)
			fail_msg("'%s' did not parse: %s", t->in, e.msg);
		assert_int_equal(r.start_inf, t->start_inf);
		assert_int_equal(r.end_inf, t->end_inf);
		assert_int_equal(r.inside, t->inside);
		if (!t->start_inf && r.start != t->start)
			fail_msg("'%s': start %g, want %g", t->in, r.start, t->start);
		if (!t->end_inf && r.end != t->end)
			fail_msg("'%s': end %g, want %g", t->in, r.end, t->end);
		range_format(&r, buf, sizeof(buf));
		assert_string_equal(buf, t->canon);
		assert_string_equal(e.msg, "");
	}
}

static void
test_errors(void **state)
{
	const struct range before = { 1, 2, true, true, true };
	struct errmsg e;
	struct range r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(error_rows) / sizeof(error_rows[0]); i++) {
		r = before;
		e.msg[0] = '\0';
		if (range_parse(&r, error_rows[i].in, &e) != -1)
			fail_msg("'%s' parsed", error_rows[i].in);
		assert_string_equal(e.msg, error_rows[i].msg);
		/* a failed parse leaves r alone */
		assert_memory_equal(&r, &before, sizeof(r));
	}
	assert_int_equal(range_parse(&r, NULL, &e), -1);
	assert_string_equal(e.msg, "invalid range '': empty");
	/* a NULL errmsg is allowed */
	assert_int_equal(range_parse(&r, "10x", NULL), -1);
}

static void
test_alert(void **state)
{
	const struct alert_row *t;
	struct errmsg e;
	struct range r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(alert_rows) / sizeof(alert_rows[0]); i++) {
		t = &alert_rows[i];
		if (range_parse(&r, t->range, &e) != 0)
			fail_msg("'%s': %s", t->range, e.msg);
		if (range_alert(&r, t->v) != t->alert)
			fail_msg("'%s' at %g: alert %d, want %d", t->range, t->v, !t->alert,
				 t->alert);
	}
}

static void
test_perf_bound(void **state)
{
	const struct bound_row *t;
	struct errmsg e;
	struct range r;
	double b;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bound_rows) / sizeof(bound_rows[0]); i++) {
		t = &bound_rows[i];
		if (range_parse(&r, t->range, &e) != 0)
			fail_msg("'%s': %s", t->range, e.msg);
		b = -12345;
		if (range_perf_bound(&r, &b) != t->rc)
			fail_msg("'%s': rc %d, want %d", t->range, -1 - t->rc, t->rc);
		if (t->rc == 0 && b != t->bound)
			fail_msg("'%s': bound %g, want %g", t->range, b, t->bound);
		if (t->rc == -1 && b != -12345)
			fail_msg("'%s': bound written on failure", t->range);
	}
}

/* Every canonical form parses back to the same range. */
static void
test_format_roundtrip(void **state)
{
	static const char *const extra[] = {
		"0.1", "0.2:0.3", "123456.654321", "-999999999999999.5:", "~:0.000001",
		"@-0.5:0.5", "33.333333", "999999999999999.999999",
	};
	struct range a, b;
	struct errmsg e;
	char buf[80];
	size_t i, n = sizeof(parse_rows) / sizeof(parse_rows[0]);

	(void)state;
	for (i = 0; i < n + sizeof(extra) / sizeof(extra[0]); i++) {
		const char *in = i < n ? parse_rows[i].in : extra[i - n];

		if (range_parse(&a, in, &e) != 0)
			fail_msg("'%s': %s", in, e.msg);
		range_format(&a, buf, sizeof(buf));
		if (range_parse(&b, buf, &e) != 0)
			fail_msg("'%s' formats as '%s', which does not parse: %s", in, buf, e.msg);
		if (a.start_inf != b.start_inf || a.end_inf != b.end_inf || a.inside != b.inside ||
		    (!a.start_inf && a.start != b.start) || (!a.end_inf && a.end != b.end))
			fail_msg("'%s' -> '%s' changes the range", in, buf);
	}
}

static void
test_format_small_buffer(void **state)
{
	struct range r;
	char buf[8];

	(void)state;
	assert_int_equal(range_parse(&r, "@-100000:200000", NULL), 0);
	memset(buf, 'x', sizeof(buf));
	range_format(&r, buf, 5);
	assert_string_equal(buf, "@-10");
	assert_int_equal(buf[5], 'x');
	range_format(&r, buf, 0);	/* writes nothing */
	assert_string_equal(buf, "@-10");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_alert),
		cmocka_unit_test(test_perf_bound),
		cmocka_unit_test(test_format_roundtrip),
		cmocka_unit_test(test_format_small_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
