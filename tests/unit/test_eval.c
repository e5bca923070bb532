/* Evaluation: grading, NA, ERROR with on_error, and waivers (applied, expired, not matching). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "baseline.h"
#include "eval.h"
#include "facts.h"
#include "report.h"
#include "util.h"
#include "waiver.h"

static struct baseline B;

static int
setup(void **state)
{
	struct errmsg e;

	(void)state;
	return baseline_load(&B, "tests/data/mini-baseline.json", &e);
}

static int
teardown(void **state)
{
	(void)state;
	baseline_release(&B);
	return 0;
}

static const struct control_result *
result(const struct report *r, const char *id)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->r[i].c->id, id) == 0)
			return &r->r[i];
	fail_msg("no result for %s", id);
	return NULL;
}

/* facts: protocol, host key algorithms (NULL: not gathered), bits (<0: not gathered), version (NULL: unset) */
struct row {
	const char *protocol;
	const char *hostkey;
	long long bits;
	const char *version;
	enum result r1, r2, r3;
	enum state s2;
	enum state overall;
};

static const struct row rows[] = {
	{ "2.0", "ssh-ed25519", 4096, "OpenSSH_9.2p1", RES_PASS, RES_PASS, RES_PASS, STATE_OK, STATE_OK },
	{ "2.0", "ssh-ed25519", 2048, "OpenSSH_9.2p1", RES_PASS, RES_FAIL, RES_PASS, STATE_WARNING, STATE_WARNING },	/* graded */
	{ "2.0", "ssh-dss", 4096, "OpenSSH_9.2p1", RES_PASS, RES_FAIL, RES_PASS, STATE_CRITICAL, STATE_CRITICAL },
	{ "2.0", "ssh-ed25519", 1024, "OpenSSH_8.0", RES_PASS, RES_FAIL, RES_FAIL, STATE_CRITICAL, STATE_CRITICAL },
	{ "2.0", "ssh-ed25519", 4096, NULL, RES_PASS, RES_PASS, RES_NA, STATE_OK, STATE_OK },	/* applies_if false */
	{ "2.0", "ssh-ed25519", -1, "OpenSSH_9.2p1", RES_PASS, RES_ERROR, RES_PASS, STATE_UNKNOWN, STATE_UNKNOWN },
	{ "2.0", "ssh-dss", -1, "OpenSSH_9.2p1", RES_PASS, RES_FAIL, RES_PASS, STATE_CRITICAL, STATE_CRITICAL },	/* definite failure decides */
	{ "1.99", NULL, 4096, "dropbear_2020", RES_FAIL, RES_ERROR, RES_ERROR, STATE_UNKNOWN, STATE_CRITICAL },
};

static void
test_rows(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *w = &rows[i];
		struct report r;
		struct facts f;

		facts_init(&f);
		facts_set_str(&f, "ssh.protocol", w->protocol);
		if (w->hostkey)
			facts_set_list(&f, "ssh.hostkey_algorithms", &w->hostkey, 1);
		else
			facts_set_error(&f, "ssh.hostkey_algorithms", "server speaks SSH protocol 1.99");
		if (w->bits >= 0)
			facts_set_int(&f, "bits", w->bits);
		else
			facts_set_error(&f, "bits", "timeout in stage 'hostkey'");
		if (w->version)
			facts_set_str(&f, "ssh.version", w->version);
		report_init(&r, "ssh", "check_baseline_ssh");
		eval_run(&r, &B, "ssh", "udvidet", &f, NULL, "2026-11-28");
		assert_int_equal(r.n, 3);	/* the tls control is not evaluated by ssh */
		if (result(&r, "TST-001")->result != w->r1 || result(&r, "TST-002")->result != w->r2 ||
		    result(&r, "TST-003")->result != w->r3 || result(&r, "TST-002")->state != w->s2 ||
		    report_state(&r) != w->overall)
			fail_msg("row %zu: %s %s %s, TST-002 %s, overall %s", i,
				 result_name(result(&r, "TST-001")->result),
				 result_name(result(&r, "TST-002")->result),
				 result_name(result(&r, "TST-003")->result),
				 state_name(result(&r, "TST-002")->state), state_name(report_state(&r)));
		if (w->r2 == RES_ERROR)
			assert_non_null(result(&r, "TST-002")->reason);
		report_release(&r);
		facts_release(&f);
	}
}

static const char waivers_json[] =
	"{\"waivers\": ["
	" {\"control\": \"TST-001\", \"host\": \"fw-*.aarhus.dk\", \"justification\": \"legacy firewall, replaced in Q1\","
	"  \"approved_by\": \"CISO Aarhus\", \"ticket\": \"SEC-42\", \"created\": \"2026-11-01\", \"expires\": \"2027-03-01\"},"
	" {\"control\": \"TST-002\", \"host\": \"fw-*.aarhus.dk\", \"justification\": \"old\","
	"  \"approved_by\": \"CISO Aarhus\", \"created\": \"2025-11-01\", \"expires\": \"2026-11-01\"}"
	"]}";

static void
test_waivers(void **state)
{
	static const struct {
		const char *host, *today;
		enum result r1, r2;
		bool expired2;
		enum state overall;
	} cases[] = {
		{ "fw-1.aarhus.dk", "2026-11-28", RES_WAIVED, RES_FAIL, true, STATE_CRITICAL },
		{ "FW-1.Aarhus.DK", "2026-11-28", RES_WAIVED, RES_FAIL, true, STATE_CRITICAL },	/* host names are case-insensitive */
		{ "web-1.aarhus.dk", "2026-11-28", RES_FAIL, RES_FAIL, false, STATE_CRITICAL },
		{ "fw-1.aarhus.dk", "2027-03-01", RES_FAIL, RES_FAIL, true, STATE_CRITICAL },	/* lapses on the expiry date */
		{ "fw-1.aarhus.dk", "2026-10-31", RES_FAIL, RES_WAIVED, false, STATE_CRITICAL },	/* first not yet valid, second still valid */
	};
	struct waivers w;
	struct errmsg e;
	size_t i;

	(void)state;
	assert_int_equal(waivers_load_buf(&w, waivers_json, strlen(waivers_json), "w.json", &B, &e), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct control_result *c1, *c2;
		struct report r;
		struct facts f;
		static const char *const dss = "ssh-dss";

		facts_init(&f);
		facts_set_str(&f, "ssh.protocol", "1.99");
		facts_set_list(&f, "ssh.hostkey_algorithms", &dss, 1);
		facts_set_int(&f, "bits", 4096);
		report_init(&r, "ssh", "check_baseline_ssh");
		r.host_id = xstrdup(cases[i].host);
		eval_run(&r, &B, "ssh", "basis", &f, &w, cases[i].today);
		c1 = result(&r, "TST-001");
		c2 = result(&r, "TST-002");
		if (c1->result != cases[i].r1)
			fail_msg("case %zu: TST-001 %s", i, result_name(c1->result));
		if (c1->result == RES_WAIVED) {
			assert_int_equal(c1->hidden, RES_FAIL);	/* the real result is kept */
			assert_int_equal(c1->hidden_state, STATE_CRITICAL);
			assert_int_equal(c1->state, STATE_OK);
			assert_string_equal(c1->waiver->ticket, "SEC-42");
		}
		assert_int_equal(c2->result, cases[i].r2);	/* an expired waiver no longer applies */
		assert_int_equal(c2->expired_waiver != NULL, cases[i].expired2);
		if (cases[i].expired2)
			assert_non_null(strstr(r.notes[r.nnotes - 1], "expired on 2026-11-01"));
		assert_int_equal(report_state(&r), cases[i].overall);
		report_release(&r);
		facts_release(&f);
	}
	waivers_release(&w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_waivers),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
