/* JSON: valid documents, every error kind with its message, caps, escapes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "digest.h"
#include "json.h"
#include "util.h"

/* A compact dump of a jv: ints plain, doubles with a 'd', strings and keys quoted. */
static void
dump(struct sbuf *sb, const struct jv *v)
{
	size_t i;

	switch (v->type) {
	case JV_NULL:
		sbuf_addstr(sb, "null");
		break;
	case JV_BOOL:
		sbuf_addstr(sb, v->b ? "true" : "false");
		break;
	case JV_INT:
		sbuf_addf(sb, "%lld", v->i);
		assert_true(v->d == (double)v->i);
		break;
	case JV_DOUBLE:
		sbuf_addf(sb, "%.17gd", v->d);
		break;
	case JV_STRING:
		json_put_str(sb, v->s);
		break;
	case JV_ARRAY:
		sbuf_addch(sb, '[');
		for (i = 0; i < v->n; i++) {
			sbuf_addstr(sb, i ? "," : "");
			dump(sb, &v->items[i]);
		}
		sbuf_addch(sb, ']');
		break;
	case JV_OBJECT:
		sbuf_addch(sb, '{');
		for (i = 0; i < v->n; i++) {
			sbuf_addstr(sb, i ? "," : "");
			json_put_key(sb, v->keys[i]);
			dump(sb, &v->items[i]);
		}
		sbuf_addch(sb, '}');
		break;
	}
}

struct valid_row {
	const char *text;
	const char *want;	/* dump() of the result */
};

static const struct valid_row valid_rows[] = {
	{ "{}", "{}" },
	{ "[]", "[]" },
	{ " \t\r\n 123 \n", "123" },
	{ "-0", "0" },
	{ "1.5", "1.5d" },
	{ "1e2", "100d" },
	{ "-1.25E-2", "-0.012500000000000001d" },
	{ "1e-400", "0d" },		/* underflow is zero, not an error */
	{ "9223372036854775807", "9223372036854775807" },
	{ "-9223372036854775808", "-9223372036854775808" },
	{ "true", "true" },
	{ "false", "false" },
	{ "null", "null" },
	{ "\"\"", "\"\"" },
	{ "{\"b\":1,\"a\":2,\"c\":{\"z\":[],\"y\":{}}}", "{\"b\":1,\"a\":2,\"c\":{\"z\":[],\"y\":{}}}" },
	{ "[1, 2.0, \"x\", true, false, null, [], {}]", "[1,2d,\"x\",true,false,null,[],{}]" },
	{ "\"\\u00e6\\u00f8\\u00e5 \\ud83d\\ude00\"", "\"\xc3\xa6\xc3\xb8\xc3\xa5 \xf0\x9f\x98\x80\"" },
	{ "\"\xc3\xa6\xe2\x82\xac\xf0\x9f\x98\x80\"", "\"\xc3\xa6\xe2\x82\xac\xf0\x9f\x98\x80\"" },
	{ "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\\"\\\\/\\u0008\\u000c\\n\\r\\t\"" },
	/* same key in different objects is fine */
	{ "[{\"a\":1},{\"a\":2}]", "[{\"a\":1},{\"a\":2}]" },
	{ "{\"a\":{\"a\":{\"a\":1}}}", "{\"a\":{\"a\":{\"a\":1}}}" },
	/* keys differing only in case or by a prefix */
	{ "{\"a\":1,\"A\":2,\"ab\":3}", "{\"a\":1,\"A\":2,\"ab\":3}" },
	/* ':' and braces inside strings do not disturb the member counts */
	{ "{\"a:{\":\"}:,\",\"b\":\"[\"}", "{\"a:{\":\"}:,\",\"b\":\"[\"}" },
};

static void
test_valid(void **state)
{
	struct errmsg e = { "" };
	struct sbuf sb;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(valid_rows) / sizeof(valid_rows[0]); i++) {
		const struct valid_row *r = &valid_rows[i];
		struct jv *v = NULL;

		if (json_parse(r->text, strlen(r->text), "doc", &v, &e) != 0)
			fail_msg("row %zu %s: %s", i, r->text, e.msg);
		sbuf_init(&sb, 4096);
		dump(&sb, v);
		if (strcmp(sbuf_str(&sb), r->want) != 0)
			fail_msg("row %zu %s: got %s want %s", i, r->text, sbuf_str(&sb), r->want);
		sbuf_release(&sb);
		jv_free(v);
	}
}

struct err_row {
	const char *text;
	size_t len;		/* 0: strlen(text) */
	const char *want;	/* the whole message */
};

#define E(pos, why) "doc 't.json': invalid JSON at " pos ": " why

static const struct err_row err_rows[] = {
	/* json-c's grammar errors */
	{ "", 0, E("line 1 column 1", "unexpected end of data") },
	{ "  \n ", 0, E("line 2 column 2", "unexpected end of data") },
	{ "[1,", 0, E("line 1 column 4", "unexpected end of data") },
	{ "\"abc", 0, E("line 1 column 5", "unexpected end of data") },
	{ "[1,]", 0, E("line 1 column 4", "unexpected character") },
	{ "{\"a\":1,}", 0, E("line 1 column 8", "unexpected character") },
	{ "[1 2]", 0, E("line 1 column 4", "array value separator ',' expected") },
	{ "{\"a\" 1}", 0, E("line 1 column 6", "object property name separator ':' expected") },
	{ "{'a':1}", 0, E("line 1 column 2", "unexpected character") },
	{ "/* c */ 1", 0, E("line 1 column 1", "unexpected character") },
	{ "{\n  \"a\": 1,\n  x\n}", 0, E("line 3 column 3", "invalid literal") },
	/* trailing content */
	{ "{} x", 0, E("line 1 column 4", "trailing content after the document") },
	{ "{}}", 0, E("line 1 column 3", "trailing content after the document") },
	{ "1 2", 0, E("line 1 column 3", "trailing content after the document") },
	{ "[]\n[]", 0, E("line 2 column 1", "trailing content after the document") },
	{ "\"\xc3\xa6\" x", 0, E("line 1 column 5", "trailing content after the document") },
	/* NUL bytes */
	{ "{\"a\":\"x\0y\"}", 11, E("line 1 column 8", "NUL byte") },
	{ "{}\0", 3, E("line 1 column 3", "NUL byte") },
	{ "[1\0]", 4, E("line 1 column 3", "NUL byte") },
	/* UTF-8 and control characters in strings */
	{ "\"a\xc3\x28\"", 0, E("line 1 column 3", "invalid UTF-8") },
	{ "\"\xc0\xaf\"", 0, E("line 1 column 2", "invalid UTF-8") },		/* overlong */
	{ "\"\xe0\x80\xaf\"", 0, E("line 1 column 2", "invalid UTF-8") },	/* overlong */
	{ "\"\xed\xa0\x80\"", 0, E("line 1 column 2", "invalid UTF-8") },	/* surrogate */
	{ "\"\xf4\x90\x80\x80\"", 0, E("line 1 column 2", "invalid UTF-8") },	/* > U+10FFFF */
	{ "\"\xff\"", 0, E("line 1 column 2", "invalid UTF-8") },
	{ "\"\xe2\x82\"", 0, E("line 1 column 2", "invalid UTF-8") },		/* truncated */
	{ "\xc3\xa6", 0, E("line 1 column 1", "unexpected character") },	/* outside a string */
	{ "\"a\x01\"", 0, E("line 1 column 3", "control character in string") },
	{ "[\"a\nb\"]", 0, E("line 1 column 4", "control character in string") },
	{ "\"\\x\"", 0, E("line 1 column 2", "invalid escape in string") },
	{ "\"\\u12G4\"", 0, E("line 1 column 2", "invalid escape in string") },
	{ "\"a\\u0000b\"", 0, E("line 1 column 3", "\\u0000 in string") },
	{ "{\"a\\u0000b\":1}", 0, E("line 1 column 4", "\\u0000 in string") },
	{ "\"\\ud800\"", 0, E("line 1 column 2", "unpaired surrogate in string") },
	{ "\"\\udc00\\ud800\"", 0, E("line 1 column 2", "unpaired surrogate in string") },
	{ "\"\\ud800\\u0041\"", 0, E("line 1 column 2", "unpaired surrogate in string") },
	/* numbers */
	{ "NaN", 0, E("line 1 column 1", "invalid literal") },
	{ "[Infinity]", 0, E("line 1 column 2", "invalid literal") },
	{ "-Infinity", 0, E("line 1 column 1", "invalid number") },
	{ "TRUE", 0, E("line 1 column 1", "invalid literal") },
	{ "nul", 0, E("line 1 column 1", "invalid literal") },
	{ "truex", 0, E("line 1 column 1", "invalid literal") },
	{ "01", 0, E("line 1 column 1", "invalid number") },
	{ "1.", 0, E("line 1 column 1", "invalid number") },
	{ "[1.e5]", 0, E("line 1 column 2", "invalid number") },
	{ "1e", 0, E("line 1 column 1", "invalid number") },
	{ "-", 0, E("line 1 column 1", "invalid number") },
	{ "0x10", 0, E("line 1 column 1", "invalid number") },
	{ ".5", 0, E("line 1 column 1", "unexpected character") },
	{ "+1", 0, E("line 1 column 1", "unexpected character") },
	{ "{\"n\": 9223372036854775808}", 0, E("line 1 column 7", "number out of range") },
	{ "-9223372036854775809", 0, E("line 1 column 1", "number out of range") },
	{ "18446744073709551616", 0, E("line 1 column 1", "number out of range") },
	{ "1e400", 0, E("line 1 column 1", "number out of range") },
	{ "-1.5e309", 0, E("line 1 column 1", "number out of range") },
	/* duplicate keys */
	{ "{\"a\":1,\"a\":2}", 0, E("line 1 column 8", "duplicate key 'a'") },
	{ "{\"a\":1,\"\\u0061\":2}", 0, E("line 1 column 8", "duplicate key 'a'") },
	{ "{\n  \"a\": 1,\n  \"b\": 2,\n  \"a\": 3\n}", 0, E("line 4 column 3", "duplicate key 'a'") },
	{ "{\r\n\"a\":1,\r\n\"a\":2}", 0, E("line 3 column 1", "duplicate key 'a'") },
	{ "{\"x\":{\"b\":1,\"c\":2,\"b\":3}}", 0, E("line 1 column 19", "duplicate key 'b'") },
	{ "[{\"a\":1},{\"b\":1,\"b\":2}]", 0, E("line 1 column 17", "duplicate key 'b'") },
	{ "{\"a\":{\"x\":[1]},\"a\":{\"x\":[2]},\"b\":{\"c\":1,\"c\":2}}", 0,
	  E("line 1 column 16", "duplicate key 'a'") },
	{ "{\"a\":1,\"b\":2,\"b\":3,\"a\":4}", 0, E("line 1 column 14", "duplicate key 'b'") },
	{ "{\"\xc3\xa6\":1,\"\\u00e6\":2}", 0, E("line 1 column 8", "duplicate key '\xc3\xa6'") },
	/* an object before the duplicate keeps the walk aligned */
	{ "[{\"q\":{}},{\"r\":[{},{\"s\":1,\"t\":2,\"s\":3}]}]", 0,
	  E("line 1 column 33", "duplicate key 's'") },
};

static void
test_errors(void **state)
{
	struct errmsg e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(err_rows) / sizeof(err_rows[0]); i++) {
		const struct err_row *r = &err_rows[i];
		size_t len = r->len ? r->len : strlen(r->text);
		struct jv *v = (struct jv *)&e;	/* must be reset to NULL */

		memset(&e, 0, sizeof(e));
		if (json_parse(r->text, len, "doc 't.json'", &v, &e) != -1)
			fail_msg("row %zu: accepted %s", i, r->text);
		assert_null(v);
		if (strcmp(e.msg, r->want) != 0)
			fail_msg("row %zu %s:\n got  %s\n want %s", i, r->text, e.msg, r->want);
	}
}

/* Depth counts every value on the path, the innermost scalar included. */
struct depth_row {
	const char *open, *leaf, *close;
	int times;
	bool ok;
};

static const struct depth_row depth_rows[] = {
	{ "[", "", "]", 32, true },
	{ "[", "", "]", 33, false },
	{ "[", "1", "]", 31, true },
	{ "[", "1", "]", 32, false },
	{ "{\"k\":", "1", "}", 31, true },
	{ "{\"k\":", "1", "}", 32, false },
	{ "[{\"k\":", "1", "}]", 15, true },
	{ "[{\"k\":", "1", "}]", 16, false },
	{ "[", "", "]", 100000, false },
};

static void
test_depth(void **state)
{
	struct errmsg e;
	struct sbuf sb;
	size_t i;
	int k;

	(void)state;
	for (i = 0; i < sizeof(depth_rows) / sizeof(depth_rows[0]); i++) {
		const struct depth_row *r = &depth_rows[i];
		struct jv *v = NULL;
		int rc;

		sbuf_init(&sb, JSON_MAX_FILE);
		for (k = 0; k < r->times; k++)
			sbuf_addstr(&sb, r->open);
		sbuf_addstr(&sb, r->leaf);
		for (k = 0; k < r->times; k++)
			sbuf_addstr(&sb, r->close);
		rc = json_parse(sbuf_str(&sb), sb.len, "doc", &v, &e);
		if (r->ok) {
			if (rc != 0)
				fail_msg("row %zu: %s", i, e.msg);
			jv_free(v);
		} else {
			assert_int_equal(rc, -1);
			assert_null(v);
			assert_non_null(strstr(e.msg, ": nesting too deep"));
		}
		sbuf_release(&sb);
	}
}

static void
test_size_cap(void **state)
{
	struct errmsg e;
	struct jv *v = NULL;
	char *big = xmalloc(JSON_MAX_FILE + 1);

	(void)state;
	memset(big, ' ', JSON_MAX_FILE + 1);
	big[0] = '1';
	assert_int_equal(json_parse(big, JSON_MAX_FILE + 1, "doc", &v, &e), -1);
	assert_string_equal(e.msg, "doc: larger than 4194304 bytes");
	assert_int_equal(json_parse(big, JSON_MAX_FILE, "doc", &v, &e), 0);
	assert_int_equal(v->type, JV_INT);
	assert_int_equal(v->i, 1);
	jv_free(v);
	free(big);
}

/* Many members and many objects: linear, and the counts stay aligned. */
static void
test_large(void **state)
{
	struct errmsg e;
	struct jv *v = NULL;
	struct sbuf sb;
	int k;

	(void)state;
	sbuf_init(&sb, JSON_MAX_FILE);
	sbuf_addch(&sb, '{');
	for (k = 0; k < 100000; k++)
		sbuf_addf(&sb, "%s\"k%d\":{\"a\":[%d]}", k ? "," : "", k, k);
	sbuf_addch(&sb, '}');
	assert_int_equal(json_parse(sbuf_str(&sb), sb.len, "doc", &v, &e), 0);
	assert_int_equal(v->n, 100000);
	assert_string_equal(v->keys[99999], "k99999");
	assert_int_equal(jv_get(&v->items[99999], "a")->items[0].i, 99999);
	jv_free(v);
	/* a duplicate at the very end of the big object */
	sb.len--;
	sbuf_addstr(&sb, ",\"k5\":0}");
	assert_int_equal(json_parse(sbuf_str(&sb), sb.len, "doc", &v, &e), -1);
	assert_non_null(strstr(e.msg, ": duplicate key 'k5'"));
	sbuf_release(&sb);
}

struct put_row {
	const char *in;
	const char *want;
};

static const struct put_row put_rows[] = {
	{ "", "\"\"" },
	{ "plain", "\"plain\"" },
	{ "a\"b\\c", "\"a\\\"b\\\\c\"" },
	{ "\n\t\r", "\"\\n\\t\\r\"" },
	{ "\x01\x1f\x08\x0c", "\"\\u0001\\u001f\\u0008\\u000c\"" },
	{ "\x7f", "\"\x7f\"" },
	{ "/", "\"/\"" },
	{ "\xc3\xa6\xc3\xb8\xc3\xa5 \xe2\x82\xac \xf0\x9f\x98\x80", "\"\xc3\xa6\xc3\xb8\xc3\xa5 \xe2\x82\xac \xf0\x9f\x98\x80\"" },
	{ "a\xff" "b", "\"a\\ufffdb\"" },			/* invalid UTF-8 never leaks */
	{ "\xc3", "\"\\ufffd\"" },
	{ "\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"" },
};

static void
test_put_str(void **state)
{
	struct sbuf sb;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(put_rows) / sizeof(put_rows[0]); i++) {
		sbuf_init(&sb, 1024);
		json_put_str(&sb, put_rows[i].in);
		if (strcmp(sbuf_str(&sb), put_rows[i].want) != 0)
			fail_msg("row %zu: got %s want %s", i, sbuf_str(&sb), put_rows[i].want);
		sbuf_release(&sb);
	}
	sbuf_init(&sb, 1024);
	json_put_key(&sb, "k\"");
	assert_string_equal(sbuf_str(&sb), "\"k\\\"\":");
	sbuf_release(&sb);
}

/* Every byte 1..255 alone, and every valid string, survives put_str then parse. */
static void
test_round_trip(void **state)
{
	static const char *const strs[] = {
		"", "a\"b", "\\", "\\u0041", "line1\nline2\r\n\ttab", "\xc3\xa6\xc3\xb8\xc3\xa5",
		"\xf0\x9f\x98\x80\xe2\x80\xa8", "{\"a\":1}", "\x1b[31m",
	};
	struct errmsg e;
	struct sbuf sb;
	struct jv *v;
	char one[2] = { 0, 0 };
	size_t i;
	int c;

	(void)state;
	for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		sbuf_init(&sb, 1024);
		json_put_str(&sb, strs[i]);
		if (json_parse(sbuf_str(&sb), sb.len, "doc", &v, &e) != 0)
			fail_msg("row %zu: %s: %s", i, sbuf_str(&sb), e.msg);
		assert_int_equal(v->type, JV_STRING);
		assert_string_equal(v->s, strs[i]);
		jv_free(v);
		sbuf_release(&sb);
	}
	for (c = 1; c < 256; c++) {
		one[0] = (char)c;
		sbuf_init(&sb, 64);
		json_put_str(&sb, one);
		if (json_parse(sbuf_str(&sb), sb.len, "doc", &v, &e) != 0)
			fail_msg("byte %d: %s: %s", c, sbuf_str(&sb), e.msg);
		assert_int_equal(v->type, JV_STRING);
		if (c < 0x80)
			assert_string_equal(v->s, one);
		else
			assert_string_equal(v->s, "\xef\xbf\xbd");
		jv_free(v);
		sbuf_release(&sb);
	}
}

static void
test_get(void **state)
{
	static const char doc[] = "{\"s\":\"x\",\"i\":7,\"d\":0.5,\"a\":[1],\"o\":{},\"n\":null,\"b\":false}";
	static const struct {
		const char *key;
		enum jv_type type;
		const char *name;
	} rows[] = {
		{ "s", JV_STRING, "string" }, { "i", JV_INT, "integer" },
		{ "d", JV_DOUBLE, "number" }, { "a", JV_ARRAY, "array" },
		{ "o", JV_OBJECT, "object" }, { "n", JV_NULL, "null" },
		{ "b", JV_BOOL, "boolean" },
	};
	struct errmsg e;
	struct jv *v;
	size_t i;

	(void)state;
	assert_int_equal(json_parse(doc, strlen(doc), "doc", &v, &e), 0);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct jv *m = jv_get(v, rows[i].key);

		assert_non_null(m);
		assert_int_equal(m->type, rows[i].type);
		assert_string_equal(jv_type_name(m->type), rows[i].name);
	}
	assert_null(jv_get(v, "missing"));
	assert_null(jv_get(jv_get(v, "a"), "s"));	/* not an object */
	assert_null(jv_get(NULL, "s"));
	jv_free(v);
	jv_free(NULL);
}

static char tmpdir[64];

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
}

static void
test_load_file(void **state)
{
	struct errmsg e;
	struct jv *v;
	char sha[DIGEST_HEX_LEN + 1];
	char *good, *bad, *link, *want;

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_json.XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	good = xasprintf("%s/good.json", tmpdir);
	bad = xasprintf("%s/bad.json", tmpdir);
	link = xasprintf("%s/link.json", tmpdir);
	write_file(good, "{}");
	write_file(bad, "{\n\"a\": tru\n}\n");
	assert_int_equal(symlink(good, link), 0);

	assert_int_equal(json_load_file(good, "baseline", &v, sha, &e), 0);
	assert_int_equal(v->type, JV_OBJECT);
	/* sha256("{}") */
	assert_string_equal(sha, "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
	jv_free(v);

	assert_int_equal(json_load_file(bad, "baseline", &v, sha, &e), -1);
	assert_null(v);
	want = xasprintf("baseline '%s': invalid JSON at line 2 column 6: invalid literal", bad);
	assert_string_equal(e.msg, want);
	free(want);

	assert_int_equal(json_load_file(link, "waivers", &v, NULL, &e), -1);
	want = xasprintf("cannot read waivers '%s': is a symbolic link", link);
	assert_string_equal(e.msg, want);
	free(want);

	unlink(good);
	unlink(bad);
	unlink(link);
	rmdir(tmpdir);
	free(good);
	free(bad);
	free(link);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_size_cap),
		cmocka_unit_test(test_large),
		cmocka_unit_test(test_put_str),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_get),
		cmocka_unit_test(test_load_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
