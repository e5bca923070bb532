/* Waivers: validation messages, the one-year rule, matching and expiry. */
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
#include "digest.h"
#include "util.h"
#include "waiver.h"

#define MINI "tests/data/mini-baseline.json"

/* One waiver object with the fields given as JSON members ("" for none). */
#define ONE(extra) "{\"waivers\": [{\"control\": \"SSH-003\", \"host\": \"fw-*.aarhus.dk\", " \
	"\"justification\": \"legacy firmware\", \"approved_by\": \"CISO\"" extra "}]}"
#define DATES "\"created\": \"2026-11-01\", \"expires\": \"2027-03-01\""
#define W "waivers 'w.json': "

struct err_row {
	const char *text;
	const char *want;
};

static const struct err_row err_rows[] = {
	{ "[]", W "expected an object {\"waivers\": [...]}" },
	{ "{}", W "waivers: missing" },
	{ "{\"waivers\": {}}", W "waivers: expected an array" },
	{ "{\"waivers\": [], \"comment\": 1}", W "comment: unknown key" },
	{ "{\"waivers\": [1]}", W "waivers[0]: expected an object" },
	{ "{\"waivers\": [{\"host\": \"x\"}]}", W "waivers[0].control: missing" },
	{ ONE(", " DATES ", \"ticket\": \"INC-1\", \"expiry\": \"2027-01-01\""),
	  W "waivers[0].expiry: unknown key" },
	{ ONE(", \"expires\": \"2027-03-01\""), W "waivers[0].created: missing" },
	{ ONE(", \"created\": \"2026-11-01\""), W "waivers[0].expires: missing" },
	{ ONE(", " DATES ", \"ticket\": \"\""), W "waivers[0].ticket: expected a non-empty string" },
	{ ONE(", " DATES ", \"ticket\": null"), W "waivers[0].ticket: expected a non-empty string" },
	{ "{\"waivers\": [{\"control\": \"SSH-003\", \"host\": \"\"}]}",
	  W "waivers[0].host: expected a non-empty string" },
	{ "{\"waivers\": [{\"control\": 3}]}", W "waivers[0].control: expected a non-empty string" },
	{ ONE(", \"created\": \"2026-02-30\", \"expires\": \"2026-03-01\""),
	  W "waivers[0].created: '2026-02-30' is not a valid date (YYYY-MM-DD)" },
	{ ONE(", \"created\": \"26-11-01\", \"expires\": \"2027-03-01\""),
	  W "waivers[0].created: '26-11-01' is not a valid date (YYYY-MM-DD)" },
	{ ONE(", \"created\": \"2026-11-01\", \"expires\": \"2027-13-01\""),
	  W "waivers[0].expires: '2027-13-01' is not a valid date (YYYY-MM-DD)" },
	{ ONE(", \"created\": \"2026-11-01\", \"expires\": \"2026-11-01\""),
	  W "waivers[0].expires: not after created (2026-11-01)" },
	{ ONE(", \"created\": \"2026-11-01\", \"expires\": \"2026-10-01\""),
	  W "waivers[0].expires: not after created (2026-11-01)" },
	{ ONE(", \"created\": \"2026-11-01\", \"expires\": \"2027-11-02\""),
	  W "waivers[0].expires: more than one year after created (2026-11-01)" },
	{ "{\"waivers\": [{\"control\": \"A-1\", \"host\": \"h\", \"justification\": \"j\", "
	  "\"approved_by\": \"a\", \"created\": \"2026-01-01\", \"expires\": \"2026-02-01\"}, "
	  "{\"control\": \"A-1\", \"host\": \"h\", \"justification\": \"j\", "
	  "\"approved_by\": \"a\", \"created\": \"2026-01-01\", \"expires\": \"2027-01-02\"}]}",
	  W "waivers[1].expires: more than one year after created (2026-01-01)" },
	{ "{\"waivers\": [}", W "invalid JSON at line 1 column 14: unexpected character" },
	{ "{\"waivers\": [], \"waivers\": []}", W "invalid JSON at line 1 column 17: duplicate key 'waivers'" },
};

static void
test_load_errors(void **state)
{
	struct waivers w;
	struct errmsg e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(err_rows) / sizeof(err_rows[0]); i++) {
		const struct err_row *r = &err_rows[i];

		memset(&e, 0, sizeof(e));
		if (waivers_load_buf(&w, r->text, strlen(r->text), "w.json", NULL, &e) != -1)
			fail_msg("row %zu accepted: %s", i, r->text);
		if (strcmp(e.msg, r->want) != 0)
			fail_msg("row %zu:\n got  %s\n want %s", i, e.msg, r->want);
		assert_null(w.v);
		assert_int_equal(w.n, 0);
		assert_null(w.path);
		waivers_release(&w);
	}
}

static void
test_host_cap(void **state)
{
	struct waivers w;
	struct errmsg e;
	char host[300];
	char *doc;

	(void)state;
	memset(host, 'a', sizeof(host));
	host[255] = '\0';
	doc = xasprintf("{\"waivers\": [{\"control\": \"X-1\", \"host\": \"%s\", \"justification\": \"j\", "
			"\"approved_by\": \"a\", " DATES "}]}", host);
	assert_int_equal(waivers_load_buf(&w, doc, strlen(doc), "w.json", NULL, &e), 0);
	waivers_release(&w);
	free(doc);
	host[255] = 'a';
	host[256] = '\0';
	doc = xasprintf("{\"waivers\": [{\"control\": \"X-1\", \"host\": \"%s\", \"justification\": \"j\", "
			"\"approved_by\": \"a\", " DATES "}]}", host);
	assert_int_equal(waivers_load_buf(&w, doc, strlen(doc), "w.json", NULL, &e), -1);
	assert_string_equal(e.msg, W "waivers[0].host: longer than 255 characters");
	free(doc);
}

struct date_row {
	const char *created, *expires;
	bool ok;
};

static const struct date_row date_rows[] = {
	{ "2026-11-01", "2027-11-01", true },	/* the same day next year */
	{ "2026-11-01", "2027-11-02", false },
	{ "2026-11-01", "2026-11-02", true },
	{ "2024-02-29", "2025-02-28", true },	/* leap day: the limit is 28 February */
	{ "2024-02-29", "2025-03-01", false },
	{ "2023-02-28", "2024-02-28", true },
	{ "2023-02-28", "2024-02-29", false },
	{ "2023-03-01", "2024-03-01", true },	/* 366 days across a leap day */
	{ "2023-03-01", "2024-03-02", false },
	{ "2026-12-31", "2027-12-31", true },
	{ "2026-12-31", "2028-01-01", false },
	{ "2099-02-28", "2100-02-28", true },	/* 2100 is not a leap year */
	{ "2099-02-28", "2100-03-01", false },
	{ "9999-06-01", "9999-12-31", true },	/* the limit lies beyond the format */
	{ "2024-02-29", "2028-02-29", false },
	{ "1969-12-31", "1970-06-01", false },	/* before the epoch: not a valid date */
};

static void
test_dates(void **state)
{
	struct waivers w;
	struct errmsg e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(date_rows) / sizeof(date_rows[0]); i++) {
		const struct date_row *r = &date_rows[i];
		char *doc = xasprintf(ONE(", \"created\": \"%s\", \"expires\": \"%s\""), r->created,
				      r->expires);
		int rc = waivers_load_buf(&w, doc, strlen(doc), "w.json", NULL, &e);

		if (rc != (r->ok ? 0 : -1))
			fail_msg("row %zu %s -> %s: rc %d (%s)", i, r->created, r->expires, rc,
				 rc ? e.msg : "");
		if (rc == 0) {
			assert_int_equal(w.n, 1);
			assert_string_equal(w.v[0].created, r->created);
			assert_string_equal(w.v[0].expires, r->expires);
		}
		waivers_release(&w);
		free(doc);
	}
}

static void
test_count_cap(void **state)
{
	static const char one[] = "{\"control\":\"SSH-003\",\"host\":\"h\",\"justification\":\"j\","
				  "\"approved_by\":\"a\",\"created\":\"2026-11-01\",\"expires\":\"2027-03-01\"}";
	struct waivers w;
	struct errmsg e;
	struct sbuf sb;
	int k;

	(void)state;
	sbuf_init(&sb, 4u << 20);
	sbuf_addstr(&sb, "{\"waivers\":[");
	for (k = 0; k < 10000; k++)
		sbuf_addf(&sb, "%s%s", k ? "," : "", one);
	sbuf_addstr(&sb, "]}");
	assert_int_equal(waivers_load_buf(&w, sbuf_str(&sb), sb.len, "w.json", NULL, &e), 0);
	assert_int_equal(w.n, 10000);
	assert_int_equal(w.v[9999].index, 9999);
	waivers_release(&w);
	sb.len -= 2;
	sbuf_addf(&sb, ",%s]}", one);
	assert_int_equal(waivers_load_buf(&w, sbuf_str(&sb), sb.len, "w.json", NULL, &e), -1);
	assert_string_equal(e.msg, W "waivers: more than 10000 waivers");
	sbuf_release(&sb);
}

static const char match_doc[] =
	"{\"waivers\": [\n"
	" {\"control\": \"SSH-003\", \"host\": \"fw-*.aarhus.dk\", \"justification\": \"j0\",\n"
	"  \"approved_by\": \"a\", \"ticket\": \"INC-1\", \"created\": \"2026-11-01\", \"expires\": \"2027-03-01\"},\n"
	" {\"control\": \"SSH-003\", \"host\": \"*.aarhus.dk\", \"justification\": \"j1\",\n"
	"  \"approved_by\": \"a\", \"created\": \"2026-01-01\", \"expires\": \"2026-06-01\"},\n"
	" {\"control\": \"TLS-001\", \"host\": \"WEB[0-9].Example.ORG\", \"justification\": \"j2\",\n"
	"  \"approved_by\": \"a\", \"created\": \"2026-11-01\", \"expires\": \"2027-11-01\"},\n"
	" {\"control\": \"SSH-003\", \"host\": \"fw-1.aarhus.dk\", \"justification\": \"j3\",\n"
	"  \"approved_by\": \"a\", \"created\": \"2027-01-01\", \"expires\": \"2027-12-01\"},\n"
	" {\"control\": \"SSH-001\", \"host\": \"*\", \"justification\": \"j4\",\n"
	"  \"approved_by\": \"a\", \"created\": \"2027-06-01\", \"expires\": \"2028-01-01\"}\n"
	"]}\n";

struct match_row {
	const char *control, *host, *today;
	int want;		/* index of the waiver that applies, or -1 */
	int expired;		/* index of the lapsed one reported, or -1 */
};

static const struct match_row match_rows[] = {
	{ "SSH-003", "fw-1.aarhus.dk", "2026-12-01", 0, -1 },
	{ "SSH-003", "FW-1.Aarhus.DK", "2026-12-01", 0, -1 },	/* host names ignore case */
	{ "SSH-003", "fw-1.aarhus.dk", "2026-11-01", 0, -1 },	/* from created on */
	{ "SSH-003", "fw-1.aarhus.dk", "2026-10-31", -1, 1 },	/* 0 not yet, 1 lapsed */
	{ "SSH-003", "fw-1.aarhus.dk", "2027-02-28", 0, -1 },	/* the first wins over 3 */
	{ "SSH-003", "fw-1.aarhus.dk", "2027-03-01", 3, -1 },	/* 0 lapses on its expiry day */
	{ "SSH-003", "fw-2.aarhus.dk", "2027-03-01", -1, 0 },	/* first lapsed in file order */
	{ "SSH-003", "fw-1.aarhus.dk", "2027-12-01", -1, 0 },
	{ "SSH-003", "mail.aarhus.dk", "2026-03-01", 1, -1 },
	{ "SSH-003", "mail.aarhus.dk", "2026-05-31", 1, -1 },
	{ "SSH-003", "mail.aarhus.dk", "2026-06-01", -1, 1 },
	{ "SSH-003", "aarhus.dk", "2026-03-01", -1, -1 },
	{ "SSH-003", "fw-1.odense.dk", "2026-12-01", -1, -1 },
	{ "SSH-002", "fw-1.aarhus.dk", "2026-12-01", -1, -1 },	/* another control */
	{ "ssh-003", "fw-1.aarhus.dk", "2026-12-01", -1, -1 },	/* control ids are exact */
	{ "TLS-001", "web1.example.org", "2027-01-01", 2, -1 },
	{ "TLS-001", "WEB1.EXAMPLE.ORG", "2027-01-01", 2, -1 },
	{ "TLS-001", "webx.example.org", "2027-01-01", -1, -1 },
	{ "TLS-001", "web1.example.org.evil", "2027-01-01", -1, -1 },
	{ "SSH-001", "anything", "2027-05-31", -1, -1 },	/* not yet valid, not expired */
	{ "SSH-001", "anything", "2027-06-01", 4, -1 },
	{ "SSH-001", "", "2027-06-01", 4, -1 },
	{ "SSH-003", "fw-1.aarhus.dk", "2027-02-30", -1, -1 },	/* bad today: nothing applies */
	{ "SSH-003", "fw-1.aarhus.dk", "", -1, -1 },
};

static void
test_match(void **state)
{
	const struct waiver *got, *expired;
	struct waivers w;
	struct errmsg e;
	size_t i;

	(void)state;
	if (waivers_load_buf(&w, match_doc, strlen(match_doc), "w.json", NULL, &e) != 0)
		fail_msg("%s", e.msg);
	assert_int_equal(w.n, 5);
	assert_string_equal(w.v[0].ticket, "INC-1");
	assert_null(w.v[1].ticket);
	assert_string_equal(w.path, "w.json");
	for (i = 0; i < sizeof(match_rows) / sizeof(match_rows[0]); i++) {
		const struct match_row *r = &match_rows[i];

		expired = &w.v[4];	/* must be overwritten */
		got = waivers_match(&w, r->control, r->host, r->today, &expired);
		if (got != (r->want < 0 ? NULL : &w.v[r->want]) ||
		    expired != (r->expired < 0 ? NULL : &w.v[r->expired]))
			fail_msg("row %zu %s %s %s: got %d/%d want %d/%d", i, r->control, r->host,
				 r->today, got ? (int)got->index : -1,
				 expired ? (int)expired->index : -1, r->want, r->expired);
	}
	assert_ptr_equal(waivers_match(&w, "SSH-003", "fw-1.aarhus.dk", "2026-12-01", NULL), &w.v[0]);
	assert_null(waivers_match(&w, "SSH-003", NULL, "2026-12-01", &expired));
	assert_null(expired);
	waivers_release(&w);
	assert_null(w.v);
	assert_int_equal(w.n, 0);
	waivers_release(&w);	/* twice is fine */
	waivers_release(NULL);
}

static void
test_with_baseline(void **state)
{
	static const char ok[] =
		"{\"waivers\": [{\"control\": \"TST-001\", \"host\": \"*\", \"justification\": \"j\", "
		"\"approved_by\": \"a\", \"created\": \"2026-11-01\", \"expires\": \"2027-03-01\"}]}";
	static const char bad[] =
		"{\"waivers\": [{\"control\": \"TST-001\", \"host\": \"*\", \"justification\": \"j\", "
		"\"approved_by\": \"a\", \"created\": \"2026-11-01\", \"expires\": \"2027-03-01\"}, "
		"{\"control\": \"SSH-003\", \"host\": \"*\", \"justification\": \"j\", "
		"\"approved_by\": \"a\", \"created\": \"2026-11-01\", \"expires\": \"2027-03-01\"}]}";
	struct baseline b;
	struct waivers w;
	struct errmsg e;

	(void)state;
	if (baseline_load(&b, MINI, &e) != 0)
		fail_msg("%s", e.msg);
	assert_int_equal(waivers_load_buf(&w, ok, strlen(ok), "w.json", &b, &e), 0);
	assert_int_equal(w.n, 1);
	waivers_release(&w);
	assert_int_equal(waivers_load_buf(&w, bad, strlen(bad), "w.json", &b, &e), -1);
	assert_string_equal(e.msg, W "waivers[1].control: unknown control 'SSH-003'");
	/* without a baseline the same file is fine */
	assert_int_equal(waivers_load_buf(&w, bad, strlen(bad), "w.json", NULL, &e), 0);
	assert_int_equal(w.n, 2);
	waivers_release(&w);
	baseline_release(&b);
}

static void
test_load_file(void **state)
{
	char dir[] = "/tmp/test_waiver.XXXXXX";
	char sha[DIGEST_HEX_LEN + 1];
	struct waivers w;
	struct errmsg e;
	char *path, *link, *want;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	path = xasprintf("%s/w.json", dir);
	link = xasprintf("%s/link.json", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(match_doc, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(symlink(path, link), 0);

	assert_int_equal(waivers_load(&w, path, NULL, &e), 0);
	assert_int_equal(w.n, 5);
	assert_string_equal(w.path, path);
	digest_sha256_hex(match_doc, strlen(match_doc), sha);
	assert_string_equal(w.sha256, sha);
	waivers_release(&w);

	assert_int_equal(waivers_load(&w, link, NULL, &e), -1);
	want = xasprintf("cannot read waivers '%s': is a symbolic link", link);
	assert_string_equal(e.msg, want);
	free(want);

	f = fopen(path, "w");
	assert_non_null(f);
	fputs(ONE(", \"created\": \"2026-11-01\", \"expires\": \"2027-11-02\""), f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(waivers_load(&w, path, NULL, &e), -1);
	want = xasprintf("waivers '%s': waivers[0].expires: more than one year after created (2026-11-01)",
			 path);
	assert_string_equal(e.msg, want);
	free(want);
	assert_null(w.path);

	unlink(link);
	unlink(path);
	rmdir(dir);
	free(path);
	free(link);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_host_cap),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_count_cap),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_with_baseline),
		cmocka_unit_test(test_load_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
