/*
 * Unit tests for common/sshdcfg.c: sshd's time format (sshdcfg_seconds), as
 * sshd's convtime() reads it, up to its INT_MAX seconds in all. The parser of
 * whole files is tested through check_baseline_host (test_host.sh) and fuzzed
 * (fuzz_sshdcfg).
 */
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "sshdcfg.h"
#include "util.h"
#include "banned.h"

static const struct {
	const char *in;
	long long want;
} rows[] = {
	{ "60", 60 },
	{ "30s", 30 },
	{ "2m", 120 },
	{ "1h30m", 5400 },
	{ "1d", 86400 },
	{ "1W", 604800 },
	{ "0", 0 },
	{ "1h1", 3601 },
	{ "2147483647", INT_MAX },
	{ "2147483647s", INT_MAX },
	/* malformed */
	{ "", -1 },
	{ "x", -1 },
	{ "10y", -1 },
	{ "-5", -1 },
	{ "1h-5m", -1 },
	/* over sshd's INT_MAX seconds, or past long long: malformed, never an overflow */
	{ "2147483648", -1 },
	{ "3550w", 2147040000 },
	{ "3551w", -1 },
	{ "2147483647s1s", -1 },
	{ "9223372036854775807", -1 },
	{ "99999999999999999999", -1 },
	{ "1h3W6666666666666666666", -1 },
	{ "30m3m 1555555555555555555", -1 },
};

static void
test_seconds(void **state)
{
	(void)state;
	for (size_t i = 0; i < NELEM(rows); i++) {
		long long got = sshdcfg_seconds(rows[i].in);

		if (got != rows[i].want)
			fail_msg("sshdcfg_seconds(\"%s\") = %lld, expected %lld", rows[i].in, got,
				 rows[i].want);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seconds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
