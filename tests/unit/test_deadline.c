/* Unit tests for common/deadline.c. */
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "deadline.h"
#include "banned.h"

/* Slack for the time the test itself takes between start and reading. */
#define SLACK_MS 2000

static const struct start_row {
	unsigned seconds;
	bool expired;
	int min_ms, max_ms;	/* remaining_ms right after the start */
} start_rows[] = {
	{ 0, true, 0, 0 },
	{ 1, false, 1000 - SLACK_MS < 1 ? 1 : 1000 - SLACK_MS, 1000 },
	{ 10, false, 10000 - SLACK_MS, 10000 },
	{ 3600, false, 3600000 - SLACK_MS, 3600000 },
	/* 2147483 s = 2147483000 ms still fits an int */
	{ 2147483, false, 2147483000 - SLACK_MS, 2147483000 },
	/* one more second does not: clamped */
	{ 2147484, false, INT_MAX, INT_MAX },
	{ 86400 * 365, false, INT_MAX, INT_MAX },
	{ UINT_MAX, false, INT_MAX, INT_MAX },
};

static void
test_start(void **state)
{
	const struct start_row *t;
	struct deadline d;
	size_t i;
	int ms;

	(void)state;
	for (i = 0; i < sizeof(start_rows) / sizeof(start_rows[0]); i++) {
		t = &start_rows[i];
		deadline_start(&d, t->seconds);
		ms = deadline_remaining_ms(&d);
		if (ms < t->min_ms || ms > t->max_ms)
			fail_msg("%u s: %d ms left, want %d..%d", t->seconds, ms, t->min_ms,
				 t->max_ms);
		assert_int_equal(deadline_expired(&d), t->expired);
		assert_int_equal(d.timeout_s, t->seconds);
		assert_non_null(d.stage);
	}
}

/* An end set by hand: far past, just past, far future. */
static const struct end_row {
	long sec_from_now;
	long nsec_from_now;
	int min_ms, max_ms;
} end_rows[] = {
	{ -100000000L, 0, 0, 0 },
	{ -1, 0, 0, 0 },
	{ 0, -1000, 0, 0 },
	{ 0, 0, 0, 0 },
	{ 0, 500000000L, 1, 500 },	/* half a second: rounded up, never 0 */
	{ 5, 0, 5000 - SLACK_MS, 5000 },
	{ 100000000L, 0, INT_MAX, INT_MAX },
};

static void
test_end(void **state)
{
	const struct end_row *t;
	struct deadline d;
	struct timespec now;
	size_t i;
	int ms;

	(void)state;
	for (i = 0; i < sizeof(end_rows) / sizeof(end_rows[0]); i++) {
		t = &end_rows[i];
		deadline_start(&d, 10);
		clock_gettime(CLOCK_MONOTONIC, &now);
		d.end.tv_sec = now.tv_sec + t->sec_from_now;
		d.end.tv_nsec = now.tv_nsec + t->nsec_from_now;
		if (d.end.tv_nsec < 0) {
			d.end.tv_nsec += 1000000000L;
			d.end.tv_sec--;
		} else if (d.end.tv_nsec >= 1000000000L) {
			d.end.tv_nsec -= 1000000000L;
			d.end.tv_sec++;
		}
		ms = deadline_remaining_ms(&d);
		if (ms < t->min_ms || ms > t->max_ms)
			fail_msg("row %zu: %d ms left, want %d..%d", i, ms, t->min_ms, t->max_ms);
		assert_int_equal(deadline_expired(&d), ms == 0);
	}
}

/* A 1 s deadline expires after a second of sleep, and not before. */
static void
test_expires(void **state)
{
	struct timespec nap = { 0, 300000000L };
	struct deadline d;
	int before, after;

	(void)state;
	deadline_start(&d, 1);
	before = deadline_remaining_ms(&d);
	nanosleep(&nap, NULL);
	after = deadline_remaining_ms(&d);
	assert_true(after > 0);
	assert_true(after <= before - 250);
	assert_false(deadline_expired(&d));
	nap.tv_nsec = 800000000L;
	nanosleep(&nap, NULL);
	assert_int_equal(deadline_remaining_ms(&d), 0);
	assert_true(deadline_expired(&d));
}

static void
test_stage(void **state)
{
	static const char *const stages[] = { "connect", "banner", "kexinit", "snmp get" };
	struct deadline d;
	size_t i;

	(void)state;
	deadline_start(&d, 5);
	assert_string_equal(d.stage, "start");
	for (i = 0; i < sizeof(stages) / sizeof(stages[0]); i++) {
		deadline_stage(&d, stages[i]);
		assert_ptr_equal(d.stage, stages[i]);
	}
	/* naming a stage does not move the deadline */
	assert_true(deadline_remaining_ms(&d) > 5000 - SLACK_MS);
	assert_int_equal(d.timeout_s, 5);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_start),
		cmocka_unit_test(test_end),
		cmocka_unit_test(test_expires),
		cmocka_unit_test(test_stage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
