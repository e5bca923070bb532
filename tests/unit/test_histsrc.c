/*
 * Unit tests for common/histsrc.c: plugin output, perfdata, Icinga 2 events
 * and objects, perfdata-file lines.
 *
 * The real outputs in tests/unit/data/histsrc/ were made by
 * check_baseline_host on the fixture trees (tests/fixtures/host) with
 * CB_TODAY=2026-11-28, each next to the --output-format json of the same
 * run: a waived run in English and Danish (--max-output 100000), a run cut
 * by --max-output 600, and the compliant tree read by nobody (ERROR lines,
 * a tailoring). Each text + perfdata must give the JSON's answer per control:
 * result, state, title, and observed/expected/reason as the JSON's exact
 * strings after the output sanitising (docs/output.md 2.7).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "histsrc.h"
#include "history.h"
#include "json.h"
#include "report.h"
#include "util.h"
#include "banned.h"

#define DATA "tests/unit/data/histsrc/"

static char *
slurp(const char *path, size_t *len)
{
	struct errmsg e;
	char *d;

	if (util_read_file(path, "fixture", 8u << 20, &d, len, &e) == -1)
		fail_msg("%s", e.msg);
	return d;
}

/* As Icinga keeps it: the perfdata split off the first line. */
static int
parse_plugin_text(struct histsrc_run *r, const char *text, size_t n, struct errmsg *e)
{
	size_t bar, nl;
	struct sbuf out;
	int rc;

	for (nl = 0; nl < n && text[nl] != '\n'; nl++)
		;
	for (bar = 0; bar < nl && text[bar] != '|'; bar++)
		;
	sbuf_init(&out, 8u << 20);
	sbuf_add(&out, text, bar);
	sbuf_add(&out, text + nl, n - nl);
	rc = histsrc_output(r, out.buf, out.len, e);
	if (rc == 0 && bar < nl)
		rc = histsrc_perfdata(r, text + bar + 1, nl - bar - 1, e);
	sbuf_release(&out);
	return rc;
}

static const char *
js(const struct jv *o, const char *k)
{
	const struct jv *v = jv_get(o, k);

	return v && v->type == JV_STRING ? v->s : NULL;
}

/* The text's string equals the JSON's exact one after sanitising; a cut line a prefix. */
static void
same_text(const char *id, const char *what, const char *text, const char *exact, bool cut)
{
	struct sbuf s;

	if (!exact) {
		if (text)
			fail_msg("%s %s: text has '%s', JSON null", id, what, text);
		return;
	}
	if (!text) {
		if (cut)
			return;
		fail_msg("%s %s: text has none, JSON '%s'", id, what, exact);
	}
	sbuf_init(&s, 1u << 20);
	report_sanitize(&s, exact);
	if (cut) {
		size_t n = strlen(text);

		if (n >= 3 && strcmp(text + n - 3, "\xe2\x80\xa6") == 0)
			n -= 3;
		if (strncmp(s.buf, text, n) != 0)
			fail_msg("%s %s (cut): '%s' is not a prefix of '%s'", id, what, text, s.buf);
	} else if (strcmp(s.buf, text) != 0) {
		fail_msg("%s %s: text '%s' != JSON '%s'", id, what, text, s.buf);
	}
	sbuf_release(&s);
}

static const struct {
	const char *txt, *json;
	bool cut;
	size_t text_controls;	/* controls with a long-output line */
} real[] = {
	{ DATA "waived-en.txt", DATA "waived-en.json", false, 31 },
	{ DATA "waived-da.txt", DATA "waived-da.json", false, 31 },
	{ DATA "unreadable.txt", DATA "unreadable.json", false, 31 },
	{ DATA "cut.txt", DATA "cut.json", true, 0 },
};

static void
test_real_outputs(void **state)
{
	size_t i, k, m;

	(void)state;
	for (i = 0; i < NELEM(real); i++) {
		struct histsrc_run r;
		struct errmsg e;
		struct jv *doc;
		const struct jv *ctl, *b;
		size_t tn, jn, ntext = 0;
		char *t = slurp(real[i].txt, &tn), *j = slurp(real[i].json, &jn);

		histsrc_run_init(&r);
		if (parse_plugin_text(&r, t, tn, &e) == -1)
			fail_msg("%s: %s", real[i].txt, e.msg);
		assert_int_equal(json_parse(j, jn, "json", &doc, &e), 0);
		assert_true(r.ours);
		assert_string_equal(r.state, js(doc, "state"));
		assert_string_equal(r.family, js(doc, "check"));
		assert_int_equal(r.compliance, jv_get(doc, "compliance")->i);
		assert_int_equal(r.cut, real[i].cut);
		assert_int_equal(r.mismatch, 0);
		assert_null(r.error);
		b = jv_get(doc, "baseline");
		if (!real[i].cut) {
			assert_string_equal(r.baseline_id, js(b, "id"));
			assert_string_equal(r.baseline_sha256, js(b, "sha256"));
			assert_string_equal(r.profile, js(b, "profile"));
			if (jv_get(doc, "tailoring")->type == JV_OBJECT)
				assert_string_equal(r.tailoring_id, js(jv_get(doc, "tailoring"), "id"));
			else
				assert_null(r.tailoring_id);
		}
		ctl = jv_get(doc, "controls");
		assert_int_equal(r.ncontrols, ctl->n);
		for (k = 0; k < ctl->n; k++) {
			const struct jv *c = &ctl->items[k];
			const char *id = js(c, "id");
			const struct histsrc_control *h = NULL;

			for (m = 0; m < r.ncontrols; m++)
				if (strcmp(r.controls[m].id, id) == 0)
					h = &r.controls[m];
			if (!h)
				fail_msg("%s: control %s missing", real[i].txt, id);
			assert_string_equal(h->result, js(c, "result"));
			assert_string_equal(h->state, js(c, "state"));
			assert_true(h->from_perfdata);
			if (!h->from_text)
				continue;
			ntext++;
			same_text(id, "title", h->title, js(c, "title"), h->line_cut);
			if (strcmp(h->result, "FAIL") == 0) {
				same_text(id, "observed", h->observed, js(c, "observed"), h->line_cut);
				same_text(id, "expected", h->expected, js(c, "expected"), h->line_cut);
			} else if (strcmp(h->result, "PASS") == 0) {
				same_text(id, "observed", h->observed, js(c, "observed"), h->line_cut);
			} else if (strcmp(h->result, "ERROR") == 0) {
				same_text(id, "reason", h->reason, js(c, "reason"), h->line_cut);
			} else if (strcmp(h->result, "WAIVED") == 0) {
				const struct jv *w = jv_get(c, "waiver");
				struct jv *hw;

				assert_string_equal(h->hidden_result, js(c, "hidden_result"));
				assert_string_equal(h->hidden_state, js(c, "hidden_state"));
				assert_int_equal(json_parse(h->waiver_json, strlen(h->waiver_json), "w",
							    &hw, &e), 0);
				same_text(id, "justification", js(hw, "justification"),
					  js(w, "justification"), false);
				same_text(id, "approved_by", js(hw, "approved_by"), js(w, "approved_by"),
					  false);
				same_text(id, "ticket", js(hw, "ticket"), js(w, "ticket"), false);
				assert_string_equal(js(hw, "expires"), js(w, "expires"));
				assert_string_equal(js(hw, "control"), id);
				jv_free(hw);
			}
		}
		assert_int_equal(ntext, real[i].text_controls);
		jv_free(doc);
		histsrc_run_release(&r);
		free(t);
		free(j);
	}
}

/* ---- rows: one output line (after a fixed first line) and what it gives ------------ */

#define FIRST "BASELINE WARNING - ssh 127.0.0.1:22: 1 of 1 controls failed (0 critical, 1 warning): X-1 T\n"

static const struct {
	const char *line;
	int rc;
	const char *result, *state, *title, *observed, *expected, *reason, *waiver;
} rows[] = {
	/* the title holds ": "; the observed is split from expected at the LAST ", expected " */
	{ "[WARNING] X-1 SSH: no passwords: observed a, expected b, expected c", 0, "FAIL",
	  "WARNING", "SSH: no passwords", "a, expected b", "c", NULL, NULL },
	{ "[CRITICAL] X-1 T: observeret a, forventet b", 0, "FAIL", "CRITICAL", "T", "a", "b", NULL,
	  NULL },
	/* ERROR at its on_error state; the reason keeps its own ": " */
	{ "[WARNING] X-1 T: not evaluated: ssh.kex: timed out after 10 s", 0, "ERROR", "WARNING", "T",
	  NULL, NULL, "ssh.kex: timed out after 10 s", NULL },
	{ "[UNKNOWN] X-1 T: ikke vurderet: x", 0, "ERROR", "UNKNOWN", "T", NULL, NULL, "x", NULL },
	{ "[OK] X-1 A: B: ssh.protocol=2.0", 0, "PASS", "OK", "A: B", "ssh.protocol=2.0", NULL, NULL,
	  NULL },
	{ "[N/A] X-1 T: not applicable (host.sshd_installed=false)", 0, "NA", "OK", "T",
	  "host.sshd_installed=false", NULL, NULL, NULL },
	{ "[N/A] X-1 T: ikke relevant", 0, "NA", "OK", "T", NULL, NULL, NULL, NULL },
	/* an expired waiver's mark is not part of the expected text */
	{ "[WARNING] X-1 T: observed a, expected b [waiver expired 2026-01-31]", 0, "FAIL", "WARNING",
	  "T", "a", "b", NULL, NULL },
	{ "[WAIVED] X-1 T: was ERROR UNKNOWN, waived until 2027-10-31 by A (B), C (T-9): why: this", 0,
	  "WAIVED", "OK", "T", NULL, NULL, NULL,
	  "{\"control\":\"X-1\",\"justification\":\"why: this\",\"approved_by\":\"A (B), C\","
	  "\"ticket\":\"T-9\",\"expires\":\"2027-10-31\"}" },
	{ "[WAIVED] X-1 T: var FAIL CRITICAL, undtaget til 2027-10-31 af A: (x): y", 0, "WAIVED", "OK",
	  "T", NULL, NULL, NULL,
	  "{\"control\":\"X-1\",\"justification\":\"(x): y\",\"approved_by\":\"A\",\"ticket\":null,"
	  "\"expires\":\"2027-10-31\"}" },
	/* a line cut at 1024 bytes keeps what it has */
	{ "[WARNING] X-1 T: observed aaa\xe2\x80\xa6", 0, "FAIL", "WARNING", "T",
	  "aaa\xe2\x80\xa6", NULL, NULL, NULL },
	{ "[CRITICAL] X-1 Long tit\xe2\x80\xa6", 0, "FAIL", "CRITICAL", "Long tit\xe2\x80\xa6", NULL,
	  NULL, NULL, NULL },
	/* broken lines */
	{ "[WARNING] X-1 T: something else", -1, NULL, NULL, NULL, NULL, NULL, NULL, NULL },
	{ "[UNKNOWN] X-1 T: observed a, expected b", -1, NULL, NULL, NULL, NULL, NULL, NULL, NULL },
	{ "[WAIVED] X-1 T: was MAYBE OK, waived until 2027 by A: j", -1, NULL, NULL, NULL, NULL, NULL,
	  NULL, NULL },
	{ "[WAIVED] X-1 T: was FAIL WARNING, waived until 2027", -1, NULL, NULL, NULL, NULL, NULL,
	  NULL, NULL },
	{ "[OK] T", -1, NULL, NULL, NULL, NULL, NULL, NULL, NULL },
	/* a note that merely starts with '[' is not a control */
	{ "[note] anything", 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL },
};

static void
str_eq(const char *what, size_t row, const char *got, const char *want)
{
	if (!want && !got)
		return;
	if (!want || !got || strcmp(want, got) != 0)
		fail_msg("row %zu %s: got '%s', want '%s'", row, what, got ? got : "(null)",
			 want ? want : "(null)");
}

static void
test_control_rows(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(rows); i++) {
		struct histsrc_run r;
		struct errmsg e;
		char *text = xasprintf(FIRST "%s\n", rows[i].line);
		int rc;

		histsrc_run_init(&r);
		rc = histsrc_output(&r, text, strlen(text), &e);
		if (rc != rows[i].rc)
			fail_msg("row %zu: rc %d (%s)", i, rc, rc ? e.msg : "");
		if (rc == -1)
			assert_non_null(strstr(e.msg, "output line 2"));
		if (rc == 0 && rows[i].result) {
			const struct histsrc_control *c = &r.controls[0];

			assert_int_equal(r.ncontrols, 1);
			str_eq("result", i, c->result, rows[i].result);
			str_eq("state", i, c->state, rows[i].state);
			str_eq("title", i, c->title, rows[i].title);
			str_eq("observed", i, c->observed, rows[i].observed);
			str_eq("expected", i, c->expected, rows[i].expected);
			str_eq("reason", i, c->reason, rows[i].reason);
			str_eq("waiver", i, c->waiver_json, rows[i].waiver);
		} else if (rc == 0) {
			assert_int_equal(r.ncontrols, 0);
		}
		histsrc_run_release(&r);
		free(text);
	}
}

/* ---- first lines ---------------------------------------------------------------------- */

static const struct {
	const char *text;
	bool ours;
	const char *state, *family, *target, *error;
	bool cut;
} firsts[] = {
	{ "BASELINE OK - ssh [::1]:22: 8 of 8 controls passed", true, "OK", "ssh", "[::1]:22", NULL,
	  false },
	{ "BASELINE UNKNOWN - ssh 127.0.0.1:2222: cannot connect: connection refused", true,
	  "UNKNOWN", "ssh", "127.0.0.1:2222", "cannot connect: connection refused", false },
	{ "BASELINE CRITICAL - tls a:443: 2 af 9 kontroller fejlede (kritiske: 2, advarsler: 0)|x=1",
	  true, "CRITICAL", "tls", "a:443", NULL, false },
	{ "BASELINE UNKNOWN - host h: no controls of this check in the selected profile", true,
	  "UNKNOWN", "host", "h", NULL, false },
	{ "BASELINE OK - ssh h:22: 1 of 9 controls passed\n\xe2\x80\xa6 8 more (see --output-format json)",
	  true, "OK", "ssh", "h:22", NULL, true },
	{ "SSH OK - OpenSSH_9.2", false, NULL, NULL, NULL, NULL, false },
	{ "", false, NULL, NULL, NULL, NULL, false },
};

static void
test_first_lines(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(firsts); i++) {
		struct histsrc_run r;
		struct errmsg e;

		histsrc_run_init(&r);
		assert_int_equal(histsrc_output(&r, firsts[i].text, strlen(firsts[i].text), &e), 0);
		assert_int_equal(r.ours, firsts[i].ours);
		str_eq("state", i, r.state, firsts[i].state);
		str_eq("family", i, r.family, firsts[i].family);
		str_eq("target", i, r.target, firsts[i].target);
		str_eq("error", i, r.error, firsts[i].error);
		assert_int_equal(r.cut, firsts[i].cut);
		histsrc_run_release(&r);
	}
	{
		struct histsrc_run r;
		struct errmsg e;
		const char *bad = "BASELINE SUPER - ssh x: 1 of 1 controls passed";

		histsrc_run_init(&r);
		assert_int_equal(histsrc_output(&r, bad, strlen(bad), &e), -1);
		assert_string_equal(e.msg, "output line 1: expected 'BASELINE <STATE> - '");
		histsrc_run_release(&r);
	}
}

/* ---- perfdata ------------------------------------------------------------------------- */

static const struct {
	const char *perf;
	int rc;
	long long compliance;
	size_t ncontrols;
	const char *id, *result, *state;	/* the last control */
} perfs[] = {
	{ "compliance=62%;90;75;0;100 controls_passed=5 controls_failed=1 controls_critical=1 "
	  "controls_warning=0 controls_error=0 controls_waived=0 controls_na=0 SSH-003=2", 0, 62, 1,
	  "SSH-003", "FAIL", "CRITICAL" },
	{ "compliance=100%;;;0;100  'SSH-001'=-2 'A B''C'=1 X=-1", 0, 100, 2, "X", "WAIVED", "OK" },
	{ "compliance=100% 'a=b'=3 'X-9'=3", 0, 100, 1, "X-9", "ERROR", "UNKNOWN" },
	{ "compliance=100% X=1", 0, 100, 1, "X", "FAIL", "WARNING" },
	{ "compliance=100% X=0;1;2", 0, 100, 1, "X", "PASS", "OK" },
	/* not codes: other values and units are someone else's perfdata */
	{ "compliance=100% time=0.5s X=4 Y=1ms", 0, 100, 0, NULL, NULL, NULL },
	{ "compliance=101%", -1, 0, 0, NULL, NULL, NULL },
	{ "compliance=50", -1, 0, 0, NULL, NULL, NULL },
	{ "controls_passed=-1", -1, 0, 0, NULL, NULL, NULL },
	{ "novalue", -1, 0, 0, NULL, NULL, NULL },
	{ "'open=1", -1, 0, 0, NULL, NULL, NULL },
	{ "X=1 X=2", -1, 0, 0, NULL, NULL, NULL },
};

static void
test_perfdata(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(perfs); i++) {
		struct histsrc_run r;
		struct errmsg e;
		int rc;

		histsrc_run_init(&r);
		rc = histsrc_perfdata(&r, perfs[i].perf, strlen(perfs[i].perf), &e);
		if (rc != perfs[i].rc)
			fail_msg("perf row %zu: rc %d (%s)", i, rc, rc ? e.msg : "");
		if (rc == -1) {
			assert_non_null(strstr(e.msg, "perfdata"));
		} else {
			assert_int_equal(r.compliance, perfs[i].compliance);
			assert_int_equal(r.ncontrols, perfs[i].ncontrols);
			if (perfs[i].id) {
				const struct histsrc_control *c = &r.controls[r.ncontrols - 1];

				assert_string_equal(c->id, perfs[i].id);
				assert_string_equal(c->result, perfs[i].result);
				assert_string_equal(c->state, perfs[i].state);
			}
		}
		histsrc_run_release(&r);
	}
}

/* The code wins over a text that disagrees; an ERROR keeps its on_error state. */
static void
test_perfdata_merge(void **state)
{
	const char *text = FIRST "[WARNING] X-1 T: observed a, expected b\n"
			   "[WARNING] X-2 T: not evaluated: r\n";
	const char *toks[] = { "compliance=0%;;;0;100", "X-1=2", "X-2=3", "X-3=-2" };
	struct histsrc_run r;
	struct errmsg e;

	(void)state;
	histsrc_run_init(&r);
	assert_int_equal(histsrc_output(&r, text, strlen(text), &e), 0);
	assert_int_equal(histsrc_perfdata_tokens(&r, toks, NELEM(toks), &e), 0);
	assert_int_equal(r.ncontrols, 3);
	assert_int_equal(r.mismatch, 1);
	assert_string_equal(r.controls[0].state, "CRITICAL");
	assert_null(r.controls[0].observed);
	assert_string_equal(r.controls[1].result, "ERROR");
	assert_string_equal(r.controls[1].state, "WARNING");
	assert_string_equal(r.controls[1].reason, "r");
	assert_string_equal(r.controls[2].result, "NA");
	histsrc_run_release(&r);
}

/* ---- Icinga 2 ------------------------------------------------------------------------- */

#define EVENT_CR(out) \
	"{\"type\":\"CheckResult\",\"host\":\"web-01\",\"service\":\"baseline-ssh\"," \
	"\"timestamp\":1764331200.5,\"check_result\":{\"type\":\"CheckResult\"," \
	"\"command\":[\"/usr/lib/nagios/plugins/check_baseline_ssh\",\"-H\",\"10.0.0.1\"," \
	"\"--org=Aarhus Kommune\",\"--perfdata-controls\"],\"execution_start\":1764331199.25," \
	"\"execution_end\":1764331200.75,\"exit_status\":2,\"state\":2," \
	"\"output\":\"" out "\",\"performance_data\":[\"compliance=50%;;;0;100\"," \
	"\"controls_passed=1\",\"controls_failed=1\",\"controls_critical=1\",\"controls_warning=0\"," \
	"\"controls_error=0\",\"controls_waived=0\",\"controls_na=0\",\"SSH-003=2\",\"SSH-001=0\"]}}"

static void
test_icinga_event(void **state)
{
	static const char ev[] = EVENT_CR(
		"BASELINE CRITICAL - ssh 10.0.0.1:22: 1 of 2 controls failed (1 critical, 0 warning): "
		"SSH-003 No weak kex\\n[CRITICAL] SSH-003 No weak kex: observed ssh.kex includes x (of 3),"
		" expected ssh.kex has none of x\\n\\u2026 1 more (see --output-format json)\\n"
		"baseline dk-kommune 2026.1 sha256 ab profile basis");
	static const char other[] = EVENT_CR("PING OK - 0.1 ms");
	static const char ev2[] =
		"{\"type\":\"CheckResult\",\"host\":\"h\",\"check_result\":{\"output\":\"BASELINE OK - "
		"host h: 1 of 1 controls passed\",\"execution_start\":5,\"execution_end\":6.9,"
		"\"command\":[\"check_baseline_host\",\"--host-name\",\"id\",\"-H\",\"x\"],"
		"\"performance_data\":[{\"type\":\"PerfdataValue\",\"label\":\"H-1\",\"value\":0.0},"
		"{\"type\":\"PerfdataValue\",\"label\":\"compliance\",\"value\":100,\"unit\":\"%\"}]}}";
	struct histsrc_run r, r2;
	struct errmsg e;

	(void)state;
	histsrc_run_init(&r);
	assert_int_equal(histsrc_icinga_event(&r, ev, strlen(ev), &e), 0);
	assert_true(r.ours);
	assert_string_equal(r.host, "10.0.0.1");
	assert_string_equal(r.icinga_host, "web-01");
	assert_string_equal(r.service, "baseline-ssh");
	assert_string_equal(r.org, "Aarhus Kommune");
	assert_string_equal(r.family, "ssh");
	assert_int_equal(r.time, 1764331200);
	assert_int_equal(r.exit_code, 2);
	assert_int_equal(r.compliance, 50);
	assert_int_equal(r.ncontrols, 2);
	assert_true(r.cut);
	assert_string_equal(r.controls[0].observed, "ssh.kex includes x (of 3)");
	assert_string_equal(r.controls[1].result, "PASS");
	assert_null(r.controls[1].title);
	assert_string_equal(r.baseline_version, "2026.1");
	assert_int_equal(strlen(r.key), 64);
	/* the same result again: the same key */
	histsrc_run_init(&r2);
	assert_int_equal(histsrc_icinga_event(&r2, ev, strlen(ev), &e), 0);
	assert_string_equal(r.key, r2.key);
	histsrc_run_release(&r2);
	histsrc_run_release(&r);

	histsrc_run_init(&r);
	assert_int_equal(histsrc_icinga_event(&r, other, strlen(other), &e), 0);
	assert_false(r.ours);
	histsrc_run_release(&r);

	histsrc_run_init(&r);
	assert_int_equal(histsrc_icinga_event(&r, ev2, strlen(ev2), &e), 0);
	assert_true(r.ours);
	assert_string_equal(r.host, "id");
	assert_int_equal(r.time, 6);
	assert_int_equal(r.compliance, 100);
	assert_int_equal(r.ncontrols, 1);
	assert_string_equal(r.controls[0].id, "H-1");
	assert_null(r.service);
	histsrc_run_release(&r);

	{
		static const char *const bad[] = {
			"{\"type\":\"StateChange\",\"host\":\"h\"}",
			"{\"type\":\"CheckResult\",\"check_result\":{}}",
			"{\"type\":\"CheckResult\",\"host\":\"h\",\"check_result\":{\"output\":"
			"\"BASELINE OK - ssh h:22: 1 of 1 controls passed\"}}",
			"[1,2",
		};
		size_t i;

		for (i = 0; i < NELEM(bad); i++) {
			histsrc_run_init(&r);
			if (histsrc_icinga_event(&r, bad[i], strlen(bad[i]), &e) != -1)
				fail_msg("bad event %zu accepted", i);
			assert_non_null(strstr(e.msg, "event"));
			histsrc_run_release(&r);
		}
	}
}

static void
test_icinga_objects(void **state)
{
	static const char svc[] =
		"{\"results\":[{\"attrs\":{\"check_command\":\"baseline_host\",\"host_name\":\"h1\","
		"\"name\":\"s\",\"last_check_result\":{\"output\":\"BASELINE OK - x h: 1 of 1 "
		"controls passed\",\"execution_start\":1,\"execution_end\":2,\"performance_data\":"
		"[\"compliance=100%\",\"A=0\"]}},\"name\":\"h1!s\",\"type\":\"Service\"},"
		"{\"attrs\":{\"host_name\":\"h2\",\"name\":\"s\",\"last_check_result\":null}},"
		"{\"attrs\":{\"host_name\":\"h3\",\"name\":\"p\",\"last_check_result\":{\"output\":\"OK\","
		"\"execution_start\":1,\"execution_end\":2}}},"
		"{\"attrs\":{\"host_name\":\"h4\",\"name\":\"s\",\"last_check_result\":{\"output\":"
		"\"BASELINE OK - x h: 1 of 1 controls passed\"}}}]}";
	static const char hosts[] =
		"{\"results\":[{\"attrs\":{\"name\":\"b\",\"groups\":[\"kommune-z\",\"linux\",\"kommune-a\"]}},"
		"{\"attrs\":{\"name\":\"a\",\"groups\":[\"linux\"]}},"
		"{\"attrs\":{\"name\":\"c\",\"groups\":[]}}]}";
	struct history_groups g;
	struct histsrc_run *runs;
	size_t n, skipped, refused;
	struct errmsg e;

	(void)state;
	assert_int_equal(histsrc_icinga_services(svc, strlen(svc), &runs, &n, &skipped, &refused, &e),
			 0);
	assert_int_equal(n, 1);
	assert_int_equal(skipped, 2);
	assert_int_equal(refused, 1);
	assert_non_null(strstr(e.msg, "service 'h4!s'"));
	assert_string_equal(runs[0].host, "h1");
	assert_string_equal(runs[0].family, "x");
	assert_string_equal(runs[0].check_command, "baseline_host");
	histsrc_run_release(&runs[0]);
	free(runs);
	assert_int_equal(histsrc_icinga_services("{}", 2, &runs, &n, &skipped, &refused, &e), -1);

	assert_int_equal(histsrc_icinga_hosts(hosts, strlen(hosts), NULL, &g, &e), 0);
	assert_int_equal(g.n, 2);
	assert_string_equal(history_groups_find(&g, "a"), "linux");
	assert_string_equal(history_groups_find(&g, "b"), "kommune-a");
	assert_null(history_groups_find(&g, "c"));
	history_groups_release(&g);
	assert_int_equal(histsrc_icinga_hosts(hosts, strlen(hosts), "kommune-", &g, &e), 0);
	assert_int_equal(g.n, 1);
	assert_string_equal(history_groups_find(&g, "b"), "kommune-a");
	history_groups_release(&g);
}

/* ---- perfdata files ------------------------------------------------------------------- */

static const struct {
	const char *line;
	int rc;
	bool ours;
	const char *family, *state, *org;
	size_t ncontrols;
} plines[] = {
	{ "DATATYPE::SERVICEPERFDATA\tTIMET::1764331200\tHOSTNAME::web-01\tSERVICEDESC::baseline-ssh\t"
	  "SERVICEPERFDATA::compliance=50%;;;0;100 controls_passed=1 controls_failed=1 "
	  "controls_critical=0 controls_warning=1 controls_error=0 controls_waived=0 controls_na=0 "
	  "SSH-001=0 SSH-008=1\tSERVICECHECKCOMMAND::baseline_ssh\tSERVICESTATE::WARNING\t"
	  "BASELINE_ORG::Aarhus\n", 0, true, "ssh", "WARNING", "Aarhus", 2 },
	{ "TIMET::1.25\tHOSTNAME::h\tSERVICEPERFDATA::compliance=100% controls_passed=1\t"
	  "SERVICECHECKCOMMAND::check_baseline_tls!-H!x\tSERVICESTATE::0\tBASELINE_ORG::$_SERVICEBASELINE_ORG$",
	  0, true, "tls", "OK", NULL, 0 },
	{ "TIMET::1\tHOSTNAME::h\tSERVICEPERFDATA::compliance=100% controls_passed=1\t"
	  "SERVICEDESC::Baseline Host\tSERVICESTATE::3\tSERVICEOUTPUT::BASELINE UNKNOWN - host h: 0 of 1 controls passed",
	  0, true, "host", "UNKNOWN", NULL, 0 },
	{ "TIMET::1\tHOSTNAME::h\tSERVICEPERFDATA::rta=0.1ms\tSERVICEDESC::ping\tSERVICESTATE::OK", 0,
	  false, NULL, NULL, NULL, 0 },
	{ "TIMET::1\tHOSTNAME::h\tSERVICEPERFDATA::compliance=1% controls_na=1\tSERVICEDESC::disk\t"
	  "SERVICESTATE::OK", -1, false, NULL, NULL, NULL, 0 },
	{ "TIMET::1.\tHOSTNAME::h\tSERVICEPERFDATA::\tSERVICESTATE::OK", -1, false, NULL, NULL, NULL, 0 },
	{ "TIMET::x\tHOSTNAME::h\tSERVICEPERFDATA::\tSERVICESTATE::OK", -1, false, NULL, NULL, NULL, 0 },
	{ "TIMET::1\tHOSTNAME::h\tSERVICEPERFDATA::\tSERVICESTATE::5", -1, false, NULL, NULL, NULL, 0 },
	{ "TIMET::1\tHOSTNAME::h\tSERVICEPERFDATA::", -1, false, NULL, NULL, NULL, 0 },
	{ "TIMET::1\tjunk", -1, false, NULL, NULL, NULL, 0 },
};

static void
test_perfdata_lines(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(plines); i++) {
		struct histsrc_run r;
		struct errmsg e;
		int rc;

		histsrc_run_init(&r);
		rc = histsrc_perfdata_line(&r, plines[i].line, strlen(plines[i].line), &e);
		if (rc != plines[i].rc)
			fail_msg("line row %zu: rc %d (%s)", i, rc, rc ? e.msg : "");
		if (rc == -1)
			assert_non_null(strstr(e.msg, "perfdata"));
		if (rc == 0) {
			assert_int_equal(r.ours, plines[i].ours);
			if (r.ours) {
				str_eq("family", i, r.family, plines[i].family);
				str_eq("state", i, r.state, plines[i].state);
				str_eq("org", i, r.org, plines[i].org);
				assert_int_equal(r.ncontrols, plines[i].ncontrols);
				assert_null(r.error);
				assert_int_equal(strlen(r.key), 64);
			}
		}
		histsrc_run_release(&r);
	}
}

/* The view the store takes, and the store taking it. */
static void
test_view_store(void **state)
{
	static const char ev[] = EVENT_CR("BASELINE CRITICAL - ssh 10.0.0.1:22: 1 of 2 controls "
					  "failed (1 critical, 0 warning): SSH-003 x");
	struct history_control_in *ctl;
	struct history_run_in in;
	struct histsrc_run r;
	enum history_stored how;
	struct history *h;
	struct errmsg e;
	bool refused;

	(void)state;
	histsrc_run_init(&r);
	assert_int_equal(histsrc_icinga_event(&r, ev, strlen(ev), &e), 0);
	ctl = histsrc_run_view(&r, &in);
	assert_int_equal(history_open(&h, ":memory:", HISTORY_WRITE, &e), 0);
	assert_int_equal(history_begin(h, &e), 0);
	assert_int_equal(history_store_run(h, &in, NULL, "icinga-api:test", 0, r.key, &how, &refused,
					   &e), 0);
	assert_int_equal(how, HISTORY_STORED_NEW);
	assert_int_equal(history_store_run(h, &in, NULL, "icinga-api:test", 0, r.key, &how, &refused,
					   &e), 0);
	assert_int_equal(how, HISTORY_STORED_DUPLICATE);
	assert_int_equal(history_commit(h, &e), 0);
	history_close(h);
	free(ctl);
	histsrc_run_release(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_outputs),
		cmocka_unit_test(test_control_rows),
		cmocka_unit_test(test_first_lines),
		cmocka_unit_test(test_perfdata),
		cmocka_unit_test(test_perfdata_merge),
		cmocka_unit_test(test_icinga_event),
		cmocka_unit_test(test_icinga_objects),
		cmocka_unit_test(test_perfdata_lines),
		cmocka_unit_test(test_view_store),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
