/*
 * The history reports written out: the exact text tables, CSV quoting and the
 * formula guard, JSON that parses back, terminal-safe text, the format names,
 * and HTML: escaped hostile strings, no script and no URL, the data-key
 * markers with the JSON's numbers, gaps in the trend line, anonymity.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "history.h"
#include "histreport.h"
#include "json.h"
#include "util.h"
#include "banned.h"

#define T0 1793491200LL	/* 2026-11-01T00:00:00Z */
/* a literal for the char * members of the report structs, which are only read here */
#define W(s) ((char *)(uintptr_t)(s))

static const struct fmt_row {
	const char *name;
	int rc;
	enum histfmt want;
	const char *msg;
} fmt_rows[] = {
	{ "text", 0, HISTFMT_TEXT, NULL },
	{ "csv", 0, HISTFMT_CSV, NULL },
	{ "json", 0, HISTFMT_JSON, NULL },
	{ "html", 0, HISTFMT_HTML, NULL },
	{ "TEXT", -1, 0, "unknown format 'TEXT' (text, csv, json, html)" },
	{ "xml", -1, 0, "unknown format 'xml' (text, csv, json, html)" },
	{ "", -1, 0, "unknown format '' (text, csv, json, html)" },
};

static void
test_formats(void **state)
{
	enum histfmt f;
	struct errmsg e;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(fmt_rows); i++) {
		assert_int_equal(histfmt_parse(fmt_rows[i].name, &f, &e), fmt_rows[i].rc);
		if (fmt_rows[i].rc == 0)
			assert_int_equal(f, fmt_rows[i].want);
		else
			assert_string_equal(e.msg, fmt_rows[i].msg);
	}
}

/* ---- status ---------------------------------------------------------------------- */

static struct history_waiver waiver = {
	.justification = W("MFA through RADIUS"), .approved_by = W("CISO, Aarhus"),
	.ticket = W("SEC-1"), .created = W("2026-10-01"), .expires = W("2027-10-31"),
};

static struct history_control controls[] = {
	{ .id = W("LNX-001"), .version = 1, .result = W("PASS"), .state = W("OK"), .severity = W("critical"),
	  .title = W("OS supported"), .observed = W("host.os_support_days=580"),
	  .expected = W("host.os_support_days at least 0"), .baseline_version = W("2026.1"),
	  .since = T0, .last_seen = T0 + 3600 },
	{ .id = W("SSH-008"), .version = 2, .result = W("WAIVED"), .state = W("OK"), .severity = W("warning"),
	  .title = W("No passwords"), .observed = W("ssh.auth_methods includes\tpassword\x1b[31m"),
	  .expected = W("=HYPERLINK(\"x\")"), .hidden_result = W("FAIL"), .baseline_version = W("2026.1"),
	  .waiver_json = W("{\"justification\":\"MFA through RADIUS\"}"), .waiver = &waiver,
	  .since = T0 + 60, .last_seen = T0 + 3600 },
};

static struct history_run runs[] = {
	{ .host = W("web-01"), .family = W("host"), .group = W("Aarhus"), .target = W("web-01 (/)"),
	  .time = T0 + 3600, .state = W("OK"), .exit_code = 0, .compliance = 100,
	  .baseline_id = W("dk-kommune"), .baseline_version = W("2026.1"), .baseline_sha256 = W("ab12"),
	  .profile = W("basis"), .unevaluated_time = T0 + 7200,
	  .unevaluated_error = W("cannot connect"), .controls = controls, .ncontrols = 2 },
};

static const char status_text[] =
	"Status at 2026-11-01T12:00:00Z: 1 host, 1 run in force\n"
	"\n"
	"web-01 host, group Aarhus: run 2026-11-01T01:00:00Z OK, compliance 100%\n"
	"  baseline dk-kommune 2026.1 profile basis, target web-01 (/)\n"
	"  a later run at 2026-11-01T02:00:00Z evaluated nothing: cannot connect\n"
	"  CONTROL  RESULT  STATE  SEVERITY  SINCE                 OBSERVED                                 EXPECTED\n"
	"  LNX-001  PASS    OK     critical  2026-11-01T00:00:00Z  host.os_support_days=580                 host.os_support_days at least 0\n"
	/* the tab and the escape character of a hostile banner are spaces here */
	"  SSH-008  WAIVED  OK     warning   2026-11-01T00:01:00Z  ssh.auth_methods includes password [31m  =HYPERLINK(\"x\")\n"
	"  waivers in force:\n"
	"    SSH-008 was FAIL, waived until 2027-10-31 by CISO, Aarhus (SEC-1): MFA through RADIUS\n";

static void
test_status(void **state)
{
	struct history_status s = { .at = T0 + 43200, .runs = runs, .n = 1 };
	const struct jv *r, *c;
	struct errmsg e;
	struct sbuf sb;
	struct jv *doc;
	char *line;

	(void)state;
	sbuf_init(&sb, 1u << 20);
	histreport_status(&s, HISTFMT_TEXT, &sb);
	assert_string_equal(sbuf_str(&sb), status_text);
	sbuf_reset(&sb);

	histreport_status(&s, HISTFMT_CSV, &sb);
	/* the header, then a row per control; the formula is guarded, the tab kept */
	assert_memory_equal(sb.buf, "at,host,family,group,run_time,", 30);
	line = strstr(sb.buf, "\r\n2026-11-01T12:00:00Z,web-01,host,Aarhus,2026-11-01T01:00:00Z,OK,100,");
	assert_non_null(line);
	assert_non_null(strstr(sb.buf, ",\"'=HYPERLINK(\"\"x\"\")\","));
	assert_non_null(strstr(sb.buf, "ssh.auth_methods includes\tpassword\x1b[31m"));
	assert_non_null(strstr(sb.buf, ",MFA through RADIUS,\"CISO, Aarhus\",SEC-1,2027-10-31,no\r\n"));
	sbuf_reset(&sb);

	histreport_status(&s, HISTFMT_JSON, &sb);
	assert_int_equal(json_parse(sb.buf, sb.len, "status", &doc, &e), 0);
	assert_string_equal(jv_get(doc, "at")->s, "2026-11-01T12:00:00Z");
	r = &jv_get(doc, "runs")->items[0];
	assert_string_equal(jv_get(r, "group")->s, "Aarhus");
	assert_int_equal(jv_get(r, "compliance")->i, 100);
	assert_string_equal(jv_get(jv_get(r, "unevaluated"), "error")->s, "cannot connect");
	assert_string_equal(jv_get(jv_get(r, "baseline"), "profile")->s, "basis");
	assert_int_equal(jv_get(r, "tailoring")->type, JV_NULL);
	c = &jv_get(r, "controls")->items[1];
	assert_string_equal(jv_get(c, "observed")->s, "ssh.auth_methods includes\tpassword\x1b[31m");
	assert_string_equal(jv_get(c, "since")->s, "2026-11-01T00:01:00Z");
	assert_string_equal(jv_get(jv_get(c, "waiver"), "justification")->s, "MFA through RADIUS");
	assert_int_equal(jv_get(c, "waiver_expired")->type, JV_BOOL);
	assert_int_equal(jv_get(&jv_get(r, "controls")->items[0], "waiver")->type, JV_NULL);
	jv_free(doc);
	sbuf_release(&sb);
}

/* Long observed values are cut on a character boundary in text, never in CSV. */
static void
test_status_cut(void **state)
{
	struct history_control c = controls[0];
	struct history_run r = runs[0];
	struct history_status s = { .at = T0, .runs = &r, .n = 1 };
	char obs[200];
	struct sbuf sb;
	size_t i;

	(void)state;
	/* 59 x, then æ repeated: the cut falls inside the æ's */
	memset(obs, 'x', 59);
	for (i = 0; i < 20; i++)
		memcpy(obs + 59 + 2 * i, "\xc3\xa6", 2);
	obs[99] = '\0';
	c.observed = obs;
	r.controls = &c;
	r.ncontrols = 1;
	r.unevaluated_time = 0;
	sbuf_init(&sb, 1u << 20);
	histreport_status(&s, HISTFMT_TEXT, &sb);
	assert_non_null(strstr(sb.buf, "  xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\xe2\x80\xa6  host"));
	sbuf_reset(&sb);
	histreport_status(&s, HISTFMT_CSV, &sb);
	assert_non_null(strstr(sb.buf, obs));
	sbuf_release(&sb);
}

/* ---- trend ----------------------------------------------------------------------- */

static void
test_trend(void **state)
{
	struct history_day days[] = {
		{ "2026-11-01", T0 + 86399, 0, 0 },
		{ "2026-11-02", T0 + 2 * 86400 - 1, 3, 87.5 },
		{ "2026-11-03", T0 + 3 * 86400 - 1, 12, 100 },
	};
	struct history_trend t = { days, 3 };
	struct errmsg e;
	struct sbuf sb;
	struct jv *doc;

	(void)state;
	sbuf_init(&sb, 1u << 20);
	histreport_trend(&t, "Aarhus", HISTFMT_TEXT, &sb);
	assert_string_equal(sbuf_str(&sb),
			    "Compliance per day, 2026-11-01 to 2026-11-03, group Aarhus\n"
			    "(the mean over hosts of each host's compliance in force at the end of the day)\n"
			    "DATE        HOSTS  COMPLIANCE\n"
			    "2026-11-01      0           -\n"
			    "2026-11-02      3        87.5\n"
			    "2026-11-03     12       100.0\n");
	sbuf_reset(&sb);
	histreport_trend(&t, NULL, HISTFMT_CSV, &sb);
	assert_string_equal(sbuf_str(&sb), "date,hosts,compliance\r\n2026-11-01,0,\r\n"
			    "2026-11-02,3,87.5\r\n2026-11-03,12,100.0\r\n");
	sbuf_reset(&sb);
	histreport_trend(&t, NULL, HISTFMT_JSON, &sb);
	assert_int_equal(json_parse(sb.buf, sb.len, "trend", &doc, &e), 0);
	assert_int_equal(jv_get(doc, "group")->type, JV_NULL);
	assert_int_equal(jv_get(&jv_get(doc, "days")->items[0], "compliance")->type, JV_NULL);
	assert_float_equal(jv_get(&jv_get(doc, "days")->items[1], "compliance")->d, 87.5, 1e-9);
	assert_int_equal(jv_get(&jv_get(doc, "days")->items[2], "hosts")->i, 12);
	jv_free(doc);
	sbuf_release(&sb);
}

/* ---- benchmark ------------------------------------------------------------------- */

static void
test_bench(void **state)
{
	size_t pg_a[] = { 2, 1 }, pg_b[] = { 0, 1 };
	struct history_bench_group groups[] = {
		{ .name = W("Aarhus"), .label = W("Aarhus"), .hosts = 2, .hosts_with_compliance = 2,
		  .compliance = 33, .critical_failing = 4, .hosts_critical = 2 },
		{ .name = NULL, .label = W("(no group)"), .hosts = 1, .hosts_with_compliance = 0,
		  .critical_failing = 1, .hosts_critical = 1 },
	};
	struct history_bench_control top[] = {
		{ .id = W("LNX-001"), .title = W("OS supported"), .severity = W("critical"), .hosts = 3,
		  .per_group = pg_a },
		{ .id = W("SSH-008"), .title = W("No passwords, please"), .severity = W("warning"),
		  .hosts = 1, .per_group = pg_b },
	};
	struct history_bench b = { T0, groups, 2, top, 2 };
	struct errmsg e;
	struct sbuf sb;
	struct jv *doc;
	const struct jv *c;

	(void)state;
	sbuf_init(&sb, 1u << 20);
	histreport_bench(&b, false, HISTFMT_TEXT, &sb);
	assert_string_equal(sbuf_str(&sb),
			    "Benchmark at 2026-11-01T00:00:00Z\n"
			    "GROUP       HOSTS  COMPLIANCE  CRITICAL FAILING  HOSTS WITH CRITICAL\n"
			    "Aarhus          2        33.0                 4                    2\n"
			    "(no group)      1           -                 1                    1\n"
			    "\n"
			    "Controls failing most widely (hosts failing, per group):\n"
			    "CONTROL  SEVERITY  HOSTS  Aarhus  (no group)  TITLE\n"
			    "LNX-001  critical      3       2           1  OS supported\n"
			    "SSH-008  warning       1       0           1  No passwords, please\n");
	sbuf_reset(&sb);
	histreport_bench(&b, false, HISTFMT_CSV, &sb);
	assert_string_equal(sbuf_str(&sb),
			    "group,hosts,compliance,critical_failing,hosts_with_critical_failing,"
			    "hosts_with_compliance,LNX-001,SSH-008\r\n"
			    "Aarhus,2,33.0,4,2,2,2,0\r\n"
			    "(no group),1,,1,1,0,1,1\r\n");
	sbuf_reset(&sb);
	histreport_bench(&b, true, HISTFMT_JSON, &sb);
	assert_int_equal(json_parse(sb.buf, sb.len, "bench", &doc, &e), 0);
	assert_true(jv_get(doc, "anonymised")->b);
	assert_int_equal(jv_get(doc, "groups")->n, 2);
	assert_false(jv_get(&jv_get(doc, "groups")->items[1], "named")->b);
	assert_int_equal(jv_get(&jv_get(doc, "groups")->items[1], "compliance")->type, JV_NULL);
	c = &jv_get(doc, "top_failing")->items[0];
	assert_string_equal(jv_get(c, "id")->s, "LNX-001");
	assert_int_equal(jv_get(&jv_get(c, "per_group")->items[1], "hosts")->i, 1);
	assert_string_equal(jv_get(&jv_get(c, "per_group")->items[1], "group")->s, "(no group)");
	jv_free(doc);
	sbuf_reset(&sb);

	b.ntop = 0;
	histreport_bench(&b, false, HISTFMT_TEXT, &sb);
	assert_non_null(strstr(sb.buf, "per group):\nnone\n"));
	sbuf_release(&sb);
}

/* ---- HTML ------------------------------------------------------------------------ */

/* Occurrences of needle in s. */
static size_t
count(const char *s, const char *needle)
{
	size_t n = 0;

	for (; (s = strstr(s, needle)) != NULL; s += strlen(needle))
		n++;
	return n;
}

/*
 * What every HTML document must be: one HTML5 document with its charset, a
 * title and inline CSS; no script, no URL (the only "http" is the CSP's
 * http-equiv), no element that loads; each element opened is closed.
 */
static void
assert_html_document(const char *doc)
{
	static const char *const tags[] = {
		"html", "head", "title", "style", "body", "main", "section", "table", "thead", "tbody",
		"tr", "td", "th", "caption", "svg", "figure", "figcaption", "footer", "ul", "li",
		"p", "h1", "h2", "g", "span", "tspan", "text",
	};
	static const char *const banned[] = {
		"<script", "<SCRIPT", "javascript:", "url(", "@import", "<link", "<img", "<iframe",
		"<object", "<embed", "<a ", " src=", " href=", "xlink:", "://",
	};
	static const char head[] = "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
	char open1[32], open2[32], close[32];
	size_t i;

	assert_memory_equal(doc, head, sizeof(head) - 1);
	assert_non_null(strstr(doc, "<meta http-equiv=\"Content-Security-Policy\" "
				    "content=\"default-src 'none'; style-src 'unsafe-inline'\">"));
	assert_int_equal(count(doc, "http"), 1);
	for (i = 0; i < NELEM(banned); i++)
		if (strstr(doc, banned[i]))
			fail_msg("the document has '%s'", banned[i]);
	for (i = 0; i < NELEM(tags); i++) {
		snprintf(open1, sizeof(open1), "<%s>", tags[i]);
		snprintf(open2, sizeof(open2), "<%s ", tags[i]);
		snprintf(close, sizeof(close), "</%s>", tags[i]);
		if (count(doc, open1) + count(doc, open2) != count(doc, close))
			fail_msg("<%s>: %zu opened, %zu closed", tags[i], count(doc, open1) + count(doc, open2),
				 count(doc, close));
	}
	assert_non_null(strstr(doc, "<svg role=\"img\" aria-label=\""));
	assert_non_null(strstr(doc, "<footer><p>cyberbaseline report, "));
	assert_int_equal(strcmp(doc + strlen(doc) - 16, "</body>\n</html>\n"), 0);
}

/* A hostile string (a peer's banner) and what the page must show in its place. */
static const struct esc_row {
	const char *in;
	const char *out;
} esc_rows[] = {
	{ "<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;" },
	{ "a & b &amp;", "a &amp; b &amp;amp;" },
	{ "\"dq\" 'sq' `bq`", "&quot;dq&quot; &#39;sq&#39; `bq`" },
	{ "tab\there\x1b[31m bell\x07", "tab here [31m bell " },
	{ "nel\xc2\x85" "csi\xc2\x9b" "del\x7f!", "nel csi del !" },
	{ "</td></tr></table><h1 onclick=x>", "&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;h1 onclick=x&gt;" },
	{ "cr\r\nlf", "cr  lf" },
	{ "\xc3\xa6\xc3\xb8\xc3\xa5 \xe2\x80\xa6 \xf0\x9f\x94\x92", "\xc3\xa6\xc3\xb8\xc3\xa5 \xe2\x80\xa6 \xf0\x9f\x94\x92" },
};

/* Each hostile string as an observed value, a host, a group and a waiver's text. */
static void
test_html_escape(void **state)
{
	struct history_control c = controls[1];
	struct history_waiver w = waiver;
	struct history_run r = runs[0];
	struct history_status s = { .at = T0 + 43200, .runs = &r, .n = 1 };
	struct sbuf sb, want;
	size_t i;

	(void)state;
	sbuf_init(&sb, 1u << 20);
	sbuf_init(&want, 1u << 16);
	for (i = 0; i < NELEM(esc_rows); i++) {
		c.observed = W(esc_rows[i].in);
		c.title = W(esc_rows[i].in);
		w.justification = W(esc_rows[i].in);
		c.waiver = &w;
		r.host = W(esc_rows[i].in);
		r.group = W(esc_rows[i].in);
		r.controls = &c;
		r.ncontrols = 1;
		sbuf_reset(&sb);
		histreport_status(&s, HISTFMT_HTML, &sb);
		assert_false(sb.truncated);
		assert_html_document(sb.buf);
		/* text: the observed value whole in its cell, the waiver's justification */
		sbuf_reset(&want);
		sbuf_addf(&want, "<td class=\"wrap\">%s</td>", esc_rows[i].out);
		assert_non_null(strstr(sb.buf, sbuf_str(&want)));
		sbuf_reset(&want);
		sbuf_addf(&want, "<td class=\"wrap\">%s</td></tr>", esc_rows[i].out);
		assert_non_null(strstr(sb.buf, sbuf_str(&want)));
		/* attributes: the host in the markers, the title of the control */
		sbuf_reset(&want);
		sbuf_addf(&want, " data-host=\"%s\" data-family=\"host\" data-key=\"compliance\">100<",
			  esc_rows[i].out);
		assert_non_null(strstr(sb.buf, sbuf_str(&want)));
		sbuf_reset(&want);
		sbuf_addf(&want, "<th scope=\"row\" title=\"%s\">SSH-008</th>", esc_rows[i].out);
		assert_non_null(strstr(sb.buf, sbuf_str(&want)));
		/* the raw string nowhere, unless it needs no escaping */
		if (strcmp(esc_rows[i].in, esc_rows[i].out) != 0)
			assert_null(strstr(sb.buf, esc_rows[i].in));
	}
	sbuf_release(&want);
	sbuf_release(&sb);
}

/* status: the markers hold what the JSON report says; waivers, expired ones marked. */
static void
test_html_status(void **state)
{
	struct history_control c[3] = { controls[0], controls[1], controls[0] };
	struct history_run r = runs[0];
	struct history_status s = { .at = T0 + 43200, .runs = &r, .n = 1 };
	struct sbuf sb;

	(void)state;
	c[1].waiver_expired = true;
	c[2].id = W("LNX-002");
	c[2].result = W("FAIL");
	c[2].observed = NULL;
	c[2].reason = W("cannot read /etc/os-release");
	r.controls = c;
	r.ncontrols = 3;
	sbuf_init(&sb, 1u << 20);
	histreport_status(&s, HISTFMT_HTML, &sb);
	assert_html_document(sb.buf);
	assert_non_null(strstr(sb.buf, "<title>Status at 2026-11-01T12:00:00Z</title>"));
	assert_non_null(strstr(sb.buf, "<span data-key=\"hosts\">1</span> host, "
				       "<span data-key=\"runs\">1</span> run in force"));
	assert_non_null(strstr(sb.buf, "<td class=\"r-PASS\" data-host=\"web-01\" data-family=\"host\" "
				       "data-control=\"LNX-001\" data-key=\"result\">PASS</td>"));
	assert_non_null(strstr(sb.buf, "data-control=\"SSH-008\" data-key=\"result\">WAIVED</td>"));
	assert_non_null(strstr(sb.buf, "data-control=\"LNX-002\" data-key=\"result\">FAIL</td>"));
	assert_non_null(strstr(sb.buf, "data-key=\"compliance\">100</span>%"));
	assert_non_null(strstr(sb.buf, "data-key=\"count\" data-result=\"PASS\">1<"));
	assert_non_null(strstr(sb.buf, "data-key=\"count\" data-result=\"FAIL\">1<"));
	assert_non_null(strstr(sb.buf, "data-key=\"count\" data-result=\"WAIVED\">1<"));
	assert_non_null(strstr(sb.buf, "data-key=\"count\" data-result=\"ERROR\">0<"));
	assert_non_null(strstr(sb.buf, "aria-label=\"Results of web-01 host: 1 PASS, 1 FAIL, 0 ERROR, "
				       "1 WAIVED, 0 NA\""));
	/* the columns of text; the reason where there is no observed value */
	assert_non_null(strstr(sb.buf, "<th scope=\"col\">CONTROL</th><th scope=\"col\">RESULT</th>"
				       "<th scope=\"col\">STATE</th><th scope=\"col\">SEVERITY</th>"
				       "<th scope=\"col\">SINCE</th><th scope=\"col\">OBSERVED</th>"
				       "<th scope=\"col\">EXPECTED</th>"));
	assert_non_null(strstr(sb.buf, "<td class=\"wrap\">cannot read /etc/os-release</td>"));
	assert_non_null(strstr(sb.buf, "a later run at 2026-11-01T02:00:00Z evaluated nothing: "
				       "cannot connect"));
	assert_non_null(strstr(sb.buf, "<tr><th scope=\"row\">SSH-008</th><td>FAIL</td><td class=\"t\">"
				       "2027-10-31 <span class=\"expired\">[expired by then]</span></td>"
				       "<td class=\"wrap\">CISO, Aarhus</td><td class=\"wrap\">SEC-1</td>"
				       "<td class=\"wrap\">MFA through RADIUS</td></tr>"));
	sbuf_release(&sb);
}

/* A trend's days as a pattern, x with data and . without, and the chart it gives. */
static const struct gap_row {
	const char *days;
	size_t lines;		/* polylines */
	size_t points;		/* their points, together */
	size_t dots;		/* circles */
} gap_rows[] = {
	{ "xxx", 1, 3, 3 },
	{ "..xx", 1, 2, 2 },
	{ "xx.xx", 2, 4, 4 },
	{ "x.x.x", 0, 0, 3 },	/* days without a neighbour: a dot each, no line */
	{ "x", 0, 0, 1 },
	{ "...", 0, 0, 0 },
};

static void
test_html_trend(void **state)
{
	struct history_day days[] = {
		{ "2026-11-01", T0 + 86399, 0, 0 },
		{ "2026-11-02", T0 + 2 * 86400 - 1, 3, 87.5 },
		{ "2026-11-03", T0 + 3 * 86400 - 1, 12, 100 },
	};
	struct history_trend t = { days, 3 };
	struct history_day many[8];
	struct sbuf sb;
	const char *p;
	size_t i, j, points;

	(void)state;
	sbuf_init(&sb, 1u << 20);
	histreport_trend(&t, "<Aarhus & Co>", HISTFMT_HTML, &sb);
	assert_html_document(sb.buf);
	assert_non_null(strstr(sb.buf, "<title>Compliance per day, 2026-11-01 to 2026-11-03, group "
				       "&lt;Aarhus &amp; Co&gt;</title>"));
	assert_non_null(strstr(sb.buf, "data-date=\"2026-11-01\" data-key=\"hosts\">0</td>"));
	assert_non_null(strstr(sb.buf, "data-date=\"2026-11-01\" data-key=\"compliance\">-</td>"));
	assert_non_null(strstr(sb.buf, "data-date=\"2026-11-02\" data-key=\"compliance\">87.5</td>"));
	assert_non_null(strstr(sb.buf, "data-date=\"2026-11-03\" data-key=\"hosts\">12</td>"));
	assert_non_null(strstr(sb.buf, "data-date=\"2026-11-03\" data-key=\"compliance\">100.0</td>"));
	/* a date under the axis for each of three days */
	assert_int_equal(count(sb.buf, "text-anchor=\"middle\">2026-11-0"), 3);
	/* gridlines at 0, 25, 50, 75 and 100 % */
	for (i = 0; i <= 100; i += 25) {
		char label[32];

		snprintf(label, sizeof(label), ">%zu %%</text>", i);
		assert_non_null(strstr(sb.buf, label));
	}
	for (i = 0; i < NELEM(gap_rows); i++) {
		t.days = many;
		t.n = strlen(gap_rows[i].days);
		for (j = 0; j < t.n; j++) {
			memcpy(many[j].date, "2026-11-00", sizeof(many[j].date));
			many[j].date[9] = (char)('1' + j);	/* at most 8 days */
			many[j].end = T0 + (long long)(j + 1) * 86400 - 1;
			many[j].hosts = gap_rows[i].days[j] == 'x' ? 2 : 0;
			many[j].compliance = gap_rows[i].days[j] == 'x' ? 10.0 * (double)j : 0;
		}
		sbuf_reset(&sb);
		histreport_trend(&t, NULL, HISTFMT_HTML, &sb);
		assert_html_document(sb.buf);
		assert_int_equal(count(sb.buf, "<polyline "), gap_rows[i].lines);
		assert_int_equal(count(sb.buf, "<circle "), gap_rows[i].dots);
		points = 0;
		for (p = sb.buf; (p = strstr(p, " points=\"")) != NULL; p++)
			for (p += 9; *p != '"'; p++)
				points += *p == ',';
		assert_int_equal(points, gap_rows[i].points);
	}
	sbuf_release(&sb);
}

static void
test_html_bench(void **state)
{
	size_t pg_a[] = { 2, 1 }, pg_b[] = { 0, 1 };
	struct history_bench_group groups[] = {
		{ .name = W("Aarhus"), .label = W("Aarhus"), .hosts = 2, .hosts_with_compliance = 2,
		  .compliance = 33, .critical_failing = 4, .hosts_critical = 2 },
		{ .name = NULL, .label = W("(no group)"), .hosts = 1, .hosts_with_compliance = 0,
		  .critical_failing = 1, .hosts_critical = 1 },
	};
	struct history_bench_control top[] = {
		{ .id = W("LNX-001"), .title = W("OS supported"), .severity = W("critical"), .hosts = 3,
		  .per_group = pg_a },
		{ .id = W("SSH-008"), .title = W("No passwords, please"), .severity = W("warning"),
		  .hosts = 1, .per_group = pg_b },
	};
	struct history_bench b = { T0, groups, 2, top, 2 };
	struct sbuf sb;

	(void)state;
	sbuf_init(&sb, 1u << 20);
	histreport_bench(&b, false, HISTFMT_HTML, &sb);
	assert_html_document(sb.buf);
	assert_non_null(strstr(sb.buf, "<td class=\"n\" data-group=\"Aarhus\" data-key=\"hosts\">2</td>"
				       "<td class=\"n\" data-group=\"Aarhus\" data-key=\"compliance\">33.0</td>"
				       "<td class=\"n\" data-group=\"Aarhus\" data-key=\"critical_failing\">4</td>"
				       "<td class=\"n\" data-group=\"Aarhus\" "
				       "data-key=\"hosts_with_critical_failing\">2</td>"));
	assert_non_null(strstr(sb.buf, "data-group=\"(no group)\" data-key=\"compliance\">-</td>"));
	/* the bar's value, once per group that has one */
	assert_non_null(strstr(sb.buf, "<tspan data-in=\"chart\" data-group=\"Aarhus\" "
				       "data-key=\"compliance\">33.0</tspan> %</text>"));
	assert_int_equal(count(sb.buf, "<tspan data-in=\"chart\""), 1);
	assert_non_null(strstr(sb.buf, "no compliance in force</text>"));
	/* the controls with their titles, then a group per row and a control per column */
	assert_non_null(strstr(sb.buf, "<th scope=\"col\">CONTROL</th><th scope=\"col\">SEVERITY</th>"
					"<th scope=\"col\" class=\"n\">HOSTS</th><th scope=\"col\">TITLE</th>"));
	assert_non_null(strstr(sb.buf, "<thead><tr><th scope=\"col\">GROUP</th><th scope=\"col\" "
					"class=\"n\" title=\""));
	assert_non_null(strstr(sb.buf, "<tr><th scope=\"row\">Aarhus</th><td class=\"n\" "
					"data-control=\""));
	assert_non_null(strstr(sb.buf, "data-control=\"LNX-001\" data-key=\"hosts\">3</td>"));
	assert_non_null(strstr(sb.buf, "data-control=\"LNX-001\" data-group=\"(no group)\" "
				       "data-key=\"hosts\">1</td>"));
	assert_non_null(strstr(sb.buf, "data-control=\"SSH-008\" data-group=\"Aarhus\" "
				       "data-key=\"hosts\">0</td>"));

	/* anonymised: the writer shows labels only, never a name it was given */
	groups[0].label = W("Group A");
	sbuf_reset(&sb);
	histreport_bench(&b, true, HISTFMT_HTML, &sb);
	assert_html_document(sb.buf);
	assert_null(strstr(sb.buf, "Aarhus"));
	assert_non_null(strstr(sb.buf, "<title>Benchmark at 2026-11-01T00:00:00Z (groups anonymised)"));
	assert_non_null(strstr(sb.buf, "data-group=\"Group A\" data-key=\"compliance\">33.0</td>"));

	b.ntop = 0;
	sbuf_reset(&sb);
	histreport_bench(&b, false, HISTFMT_HTML, &sb);
	assert_html_document(sb.buf);
	assert_non_null(strstr(sb.buf, "per group)</h2>\n<p>none</p>\n"));
	sbuf_release(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_status_cut),
		cmocka_unit_test(test_trend),
		cmocka_unit_test(test_bench),
		cmocka_unit_test(test_html_escape),
		cmocka_unit_test(test_html_status),
		cmocka_unit_test(test_html_trend),
		cmocka_unit_test(test_html_bench),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
