/* Rules: operators, three-valued logic, load errors, version comparison. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "facts.h"
#include "json.h"
#include "rule.h"
#include "util.h"

static struct facts F;

static const char *const kex[] = { "curve25519-sha256", "diffie-hellman-group14-sha1",
				   "kex-strict-s-v00@openssh.com" };
static const char *const macs[] = { "hmac-sha2-256-etm@openssh.com",
				    "hmac-sha2-512-etm@openssh.com" };

static int
setup(void **state)
{
	(void)state;
	facts_init(&F);
	facts_set_list(&F, "ssh.kex", kex, 3);
	facts_set_list(&F, "ssh.macs", macs, 2);
	facts_set_list(&F, "empty", NULL, 0);
	facts_set_str(&F, "ssh.protocol", "2.0");
	facts_set_str(&F, "ssh.version", "OpenSSH_9.2p1 Debian-2+deb12u3");
	facts_set_int(&F, "bits", 2048);
	facts_set_str(&F, "ios_new", "1.3.6.1.4.1.9.1.1208 Cisco IOS Software, C2960X Software, Version 15.2(7)E8, RELEASE SOFTWARE (fc1)");
	facts_set_str(&F, "ios_old", "1.3.6.1.4.1.9.1.716 Cisco IOS Software, C2960 Software, Version 12.2(55)SE7, RELEASE SOFTWARE (fc1)");
	facts_set_str(&F, "ios_12", "1.3.6.1.4.1.9.1.716 Cisco IOS Software, C2960 Software (C2960-LANBASEK9-M), Version 12.2(55)SE, RELEASE SOFTWARE (fc2)");
	facts_set_str(&F, "ios_bare", "1.3.6.1.4.1.9.1.1208 Cisco IOS Software, Version , RELEASE SOFTWARE");
	facts_set_str(&F, "junos", "1.3.6.1.4.1.2636.1.1.1.2.132 Juniper Networks, Inc. ex2300-24t Ethernet Switch, kernel JUNOS 21.4R3-S5.4, Build date: 2023-10-12");
	facts_set_num(&F, "ratio", 0.5);
	facts_set_bool(&F, "enabled", true);
	facts_set_error(&F, "broken", "permission denied reading '%s'", "/etc/x");
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	facts_release(&F);
	return 0;
}

static const char tables_json[] =
	"{\"min\": [{\"match\": \"^OpenSSH_9\\\\.2p1 Debian-\", \"minimum\": \"OpenSSH_9.2p1 Debian-2+deb12u3\"},"
	"           {\"match\": \"^OpenSSH_\", \"minimum\": \"OpenSSH_9.8p1\"}],"
	" \"min_hi\": [{\"match\": \"^OpenSSH_\", \"minimum\": \"OpenSSH_9.2p1 Debian-2+deb12u4\"}],"
	" \"none\": [{\"match\": \"^dropbear\", \"minimum\": \"dropbear_2022.83\"}],"
	" \"ios\": [{\"match\": \"Cisco IOS\", \"extract\": \"Version ([0-9A-Za-z.()]+)\", \"minimum\": \"15.2(4)E10\"}],"
	" \"ios_miss\": [{\"match\": \"Cisco IOS\", \"extract\": \"Release ([0-9.]+)\", \"minimum\": \"1\"}],"
	" \"ios_eq\": [{\"match\": \"^1\\\\.3\\\\.6\\\\.1\\\\.4\\\\.1\\\\.9\\\\..* Cisco IOS Software\", \"extract\": \"Version ([0-9A-Za-z.()]+)\", \"minimum\": \"15.2(7)E8\"}],"
	" \"ios_opt\": [{\"match\": \"Cisco IOS\", \"extract\": \"Version ([0-9]+[0-9A-Za-z.()]*)?\", \"minimum\": \"1\"}],"
	" \"junos\": [{\"match\": \"JUNOS\", \"extract\": \"JUNOS ([0-9A-Za-z.-]+)\", \"minimum\": \"21.4R3\"},"
	"             {\"match\": \".\", \"minimum\": \"OpenSSH_99\"}],"
	" \"bad_x\": [{\"match\": \"x\", \"extract\": \"(\", \"minimum\": \"1\"}],"
	" \"no_group\": [{\"match\": \"x\", \"extract\": \"x\", \"minimum\": \"1\"}],"
	" \"two_groups\": [{\"match\": \"x\", \"extract\": \"(a)(b)\", \"minimum\": \"1\"}],"
	" \"num_x\": [{\"match\": \"x\", \"extract\": 1, \"minimum\": \"1\"}]}";

static const char params_json[] = "{\"weak\": [\"diffie-hellman-group1-sha1\", \"diffie-hellman-group14-sha1\"],"
				   " \"bits\": 3072}";

struct row {
	const char *rule;
	enum tri want;
};

static const struct row rows[] = {
	/* scalars */
	{ "{\"op\":\"eq\",\"fact\":\"ssh.protocol\",\"value\":\"2.0\"}", TRI_TRUE },
	{ "{\"op\":\"eq\",\"fact\":\"ssh.protocol\",\"value\":\"1.99\"}", TRI_FALSE },
	{ "{\"op\":\"ne\",\"fact\":\"ssh.protocol\",\"value\":\"1.99\"}", TRI_TRUE },
	{ "{\"op\":\"ge\",\"fact\":\"bits\",\"value\":2048}", TRI_TRUE },
	{ "{\"op\":\"gt\",\"fact\":\"bits\",\"value\":2048}", TRI_FALSE },
	{ "{\"op\":\"lt\",\"fact\":\"ratio\",\"value\":0.75}", TRI_TRUE },
	{ "{\"op\":\"le\",\"fact\":\"ratio\",\"value\":0.25}", TRI_FALSE },
	{ "{\"op\":\"ge\",\"fact\":\"bits\",\"param\":\"bits\"}", TRI_FALSE },
	{ "{\"op\":\"eq\",\"fact\":\"enabled\",\"value\":true}", TRI_TRUE },
	{ "{\"op\":\"eq\",\"fact\":\"enabled\",\"value\":\"true\"}", TRI_UNKNOWN },	/* type mismatch */
	{ "{\"op\":\"in\",\"fact\":\"ssh.protocol\",\"value\":[\"2.0\",\"1.99\"]}", TRI_TRUE },
	{ "{\"op\":\"not_in\",\"fact\":\"ssh.protocol\",\"value\":[\"2.0\"]}", TRI_FALSE },
	{ "{\"op\":\"regex\",\"fact\":\"ssh.version\",\"value\":\"^OpenSSH_[0-9]+\\\\.\"}", TRI_TRUE },
	{ "{\"op\":\"regex\",\"fact\":\"ssh.version\",\"value\":\"^dropbear\"}", TRI_FALSE },
	{ "{\"op\":\"range\",\"fact\":\"bits\",\"value\":\"2048:\"}", TRI_TRUE },
	{ "{\"op\":\"range\",\"fact\":\"bits\",\"value\":\"@2048:4096\"}", TRI_FALSE },
	/* lists */
	{ "{\"op\":\"contains\",\"fact\":\"ssh.kex\",\"value\":\"kex-strict-s-v00@openssh.com\"}", TRI_TRUE },
	{ "{\"op\":\"contains\",\"fact\":\"ssh.kex\",\"value\":\"kex-strict\"}", TRI_FALSE },
	{ "{\"op\":\"none_of\",\"fact\":\"ssh.kex\",\"value\":[\"diffie-hellman-group1-*\"]}", TRI_TRUE },
	{ "{\"op\":\"none_of\",\"fact\":\"ssh.kex\",\"param\":\"weak\"}", TRI_FALSE },
	{ "{\"op\":\"none_of\",\"fact\":\"ssh.kex\",\"value\":[\"*-sha1\"]}", TRI_FALSE },
	{ "{\"op\":\"any_of\",\"fact\":\"ssh.macs\",\"value\":[\"*-etm@openssh.com\"]}", TRI_TRUE },
	{ "{\"op\":\"any_of\",\"fact\":\"empty\",\"value\":[\"*\"]}", TRI_FALSE },
	{ "{\"op\":\"none_of\",\"fact\":\"empty\",\"value\":[\"*\"]}", TRI_TRUE },
	{ "{\"op\":\"subset\",\"fact\":\"ssh.macs\",\"value\":[\"*-etm@openssh.com\"]}", TRI_TRUE },
	{ "{\"op\":\"subset\",\"fact\":\"ssh.kex\",\"value\":[\"curve*\"]}", TRI_FALSE },
	{ "{\"op\":\"contains\",\"fact\":\"ssh.protocol\",\"value\":\"2.0\"}", TRI_UNKNOWN },
	/* versions */
	{ "{\"op\":\"version_ge\",\"fact\":\"ssh.version\",\"table\":\"min\"}", TRI_TRUE },
	{ "{\"op\":\"version_ge\",\"fact\":\"ssh.version\",\"table\":\"min_hi\"}", TRI_FALSE },
	{ "{\"op\":\"version_ge\",\"fact\":\"ssh.version\",\"table\":\"none\"}", TRI_UNKNOWN },
	/* "extract": the version compared is the capture, Cisco's 15.2(7)E8 > 15.2(4)E10 > 12.2(55)SE7 */
	{ "{\"op\":\"version_ge\",\"fact\":\"ios_new\",\"table\":\"ios\"}", TRI_TRUE },
	{ "{\"op\":\"version_ge\",\"fact\":\"ios_old\",\"table\":\"ios\"}", TRI_FALSE },
	{ "{\"op\":\"version_lt\",\"fact\":\"ios_old\",\"table\":\"ios\"}", TRI_TRUE },
	{ "{\"op\":\"version_ge\",\"fact\":\"ios_new\",\"table\":\"ios_miss\"}", TRI_UNKNOWN },
	{ "{\"op\":\"version_ge\",\"fact\":\"ios_new\",\"table\":\"ios_eq\"}", TRI_TRUE },	/* equal passes */
	{ "{\"op\":\"version_ge\",\"fact\":\"ios_12\",\"table\":\"ios_eq\"}", TRI_FALSE },
	{ "{\"op\":\"version_ge\",\"fact\":\"ios_12\",\"table\":\"ios\"}", TRI_FALSE },
	{ "{\"op\":\"version_ge\",\"fact\":\"ssh.version\",\"table\":\"ios_eq\"}", TRI_UNKNOWN },	/* no row */
	{ "{\"op\":\"version_ge\",\"fact\":\"ios_bare\",\"table\":\"ios_opt\"}", TRI_UNKNOWN },	/* group took no part */
	{ "{\"op\":\"version_ge\",\"fact\":\"junos\",\"table\":\"junos\"}", TRI_TRUE },	/* 21.4R3-S5.4 >= 21.4R3 */
	{ "{\"op\":\"version_ge\",\"fact\":\"ssh.version\",\"table\":\"junos\"}", TRI_FALSE },	/* 2nd row, no extract */
	{ "{\"op\":\"version_lt\",\"fact\":\"ssh.version\",\"value\":\"OpenSSH_10.0\"}", TRI_TRUE },
	/* missing and broken facts: unknown, never pass */
	{ "{\"op\":\"eq\",\"fact\":\"nope\",\"value\":1}", TRI_UNKNOWN },
	{ "{\"op\":\"none_of\",\"fact\":\"broken\",\"value\":[\"x\"]}", TRI_UNKNOWN },
	{ "{\"op\":\"present\",\"fact\":\"broken\"}", TRI_UNKNOWN },
	{ "{\"op\":\"present\",\"fact\":\"never_gathered\"}", TRI_FALSE },
	{ "{\"op\":\"present\",\"fact\":\"bits\"}", TRI_TRUE },
	/* three-valued combinations */
	{ "{\"op\":\"all\",\"rules\":[{\"op\":\"eq\",\"fact\":\"nope\",\"value\":1},"
	  "{\"op\":\"eq\",\"fact\":\"bits\",\"value\":1}]}", TRI_FALSE },	/* a definite failure decides */
	{ "{\"op\":\"all\",\"rules\":[{\"op\":\"eq\",\"fact\":\"nope\",\"value\":1},"
	  "{\"op\":\"eq\",\"fact\":\"bits\",\"value\":2048}]}", TRI_UNKNOWN },
	{ "{\"op\":\"any\",\"rules\":[{\"op\":\"eq\",\"fact\":\"nope\",\"value\":1},"
	  "{\"op\":\"eq\",\"fact\":\"bits\",\"value\":2048}]}", TRI_TRUE },
	{ "{\"op\":\"any\",\"rules\":[{\"op\":\"eq\",\"fact\":\"nope\",\"value\":1},"
	  "{\"op\":\"eq\",\"fact\":\"bits\",\"value\":1}]}", TRI_UNKNOWN },
	{ "{\"op\":\"any\",\"rules\":[{\"op\":\"eq\",\"fact\":\"bits\",\"value\":2},"
	  "{\"op\":\"eq\",\"fact\":\"bits\",\"value\":1}]}", TRI_FALSE },
	{ "{\"op\":\"none\",\"rules\":[{\"op\":\"eq\",\"fact\":\"bits\",\"value\":2048}]}", TRI_FALSE },
	{ "{\"op\":\"none\",\"rules\":[{\"op\":\"eq\",\"fact\":\"bits\",\"value\":1}]}", TRI_TRUE },
};

/* Builds an env over parsed params and tables; the caller frees the docs. */
static void
make_env(struct rule_env *env, struct param *params, const char **tnames, const struct jv **tables,
	 struct jv **pdoc, struct jv **tdoc)
{
	struct errmsg e;
	size_t i;

	assert_int_equal(json_parse(params_json, strlen(params_json), "params", pdoc, &e), 0);
	assert_int_equal(json_parse(tables_json, strlen(tables_json), "tables", tdoc, &e), 0);
	assert_in_range((*pdoc)->n, 0, 4);	/* the callers' arrays */
	assert_in_range((*tdoc)->n, 0, 16);
	for (i = 0; i < (*pdoc)->n; i++) {
		params[i].name = (*pdoc)->keys[i];
		params[i].stricter = PARAM_SUPERSET;
		params[i].value = &(*pdoc)->items[i];
	}
	for (i = 0; i < (*tdoc)->n; i++) {
		tnames[i] = (*tdoc)->keys[i];
		tables[i] = &(*tdoc)->items[i];
	}
	env->params = params;
	env->nparams = (*pdoc)->n;
	env->table_names = tnames;
	env->tables = tables;
	env->ntables = (*tdoc)->n;
}

static void
test_eval_table(void **state)
{
	struct param params[4];
	const char *tnames[16];
	const struct jv *tables[16];
	struct jv *pdoc, *tdoc;
	struct rule_env env;
	size_t i;

	(void)state;
	make_env(&env, params, tnames, tables, &pdoc, &tdoc);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct errmsg e;
		struct jv *doc;
		struct rule *r;
		struct sbuf obs, why;
		enum tri got;

		e.msg[0] = '\0';
		assert_int_equal(json_parse(rows[i].rule, strlen(rows[i].rule), "rule", &doc, &e), 0);
		r = rule_from_json(doc, &env, "test", "rule", &e);
		if (!r)
			fail_msg("row %zu: %s", i, e.msg);
		sbuf_init(&obs, 4096);
		sbuf_init(&why, 4096);
		got = rule_eval(r, &env, &F, &obs, &why);
		if (got != rows[i].want)
			fail_msg("row %zu (%s): got %d want %d", i, rows[i].rule, got, rows[i].want);
		if (got == TRI_UNKNOWN)
			assert_true(why.len > 0);	/* an unknown always says why */
		sbuf_release(&obs);
		sbuf_release(&why);
		rule_free(r);
		jv_free(doc);
	}
	jv_free(pdoc);
	jv_free(tdoc);
}

/* Why a rule is unknown: each reason once, even when a fact is read twice. */
static void
test_why_once(void **state)
{
	static const struct {
		const char *rule, *why;
	} cases[] = {
		{ "{\"op\":\"all\",\"rules\":[{\"op\":\"eq\",\"fact\":\"nope\",\"value\":1},"
		  "{\"op\":\"ne\",\"fact\":\"nope\",\"value\":2}]}",
		  "fact 'nope' was not gathered" },
		{ "{\"op\":\"all\",\"rules\":[{\"op\":\"eq\",\"fact\":\"nope\",\"value\":1},"
		  "{\"op\":\"eq\",\"fact\":\"nop\",\"value\":1},"
		  "{\"op\":\"eq\",\"fact\":\"nope\",\"value\":1}]}",
		  "fact 'nope' was not gathered; fact 'nop' was not gathered" },
	};
	struct param params[4];
	const char *tnames[16];
	const struct jv *tables[16];
	struct jv *pdoc, *tdoc, *doc;
	struct rule_env env;
	struct errmsg e;
	struct rule *r;
	struct sbuf why;
	size_t i;

	(void)state;
	make_env(&env, params, tnames, tables, &pdoc, &tdoc);
	for (i = 0; i < NELEM(cases); i++) {
		assert_int_equal(json_parse(cases[i].rule, strlen(cases[i].rule), "rule", &doc, &e), 0);
		r = rule_from_json(doc, &env, "test", "rule", &e);
		assert_non_null(r);
		sbuf_init(&why, 4096);
		assert_int_equal(rule_eval(r, &env, &F, NULL, &why), TRI_UNKNOWN);
		assert_string_equal(why.buf, cases[i].why);
		sbuf_release(&why);
		rule_free(r);
		jv_free(doc);
	}
	jv_free(pdoc);
	jv_free(tdoc);
}

struct bad {
	const char *rule;
	const char *msg;	/* expected message (exact) */
};

static const struct bad bads[] = {
	{ "{\"op\":\"gte\",\"fact\":\"x\",\"value\":1}", "b: controls[3].rule.op: unknown operator 'gte'" },
	{ "{\"fact\":\"x\",\"value\":1}", "b: controls[3].rule.op: missing operator" },
	{ "{\"op\":\"eq\",\"value\":1}", "b: controls[3].rule.fact: missing fact name" },
	{ "{\"op\":\"eq\",\"fact\":\"x\"}", "b: controls[3].rule: expected exactly one of \"value\", \"param\", \"table\"" },
	{ "{\"op\":\"none_of\",\"fact\":\"x\",\"value\":\"a\"}", "b: controls[3].rule.value: expected an array of strings" },
	{ "{\"op\":\"ge\",\"fact\":\"x\",\"value\":\"10\"}", "b: controls[3].rule.value: expected a number" },
	{ "{\"op\":\"regex\",\"fact\":\"x\",\"value\":\"(\"}", "b: controls[3].rule.value: invalid regular expression '('" },
	{ "{\"op\":\"range\",\"fact\":\"x\",\"value\":\"10x\"}", NULL },
	{ "{\"op\":\"ge\",\"fact\":\"x\",\"param\":\"nope\"}", "b: controls[3].rule.param: no parameter 'nope' in this control" },
	{ "{\"op\":\"ge\",\"fact\":\"x\",\"param\":\"weak\"}", "b: controls[3].rule.param: parameter 'weak' is not a number" },
	{ "{\"op\":\"version_ge\",\"fact\":\"x\",\"table\":\"nope\"}", "b: controls[3].rule.table: no table 'nope' in the baseline" },
	{ "{\"op\":\"eq\",\"fact\":\"x\",\"table\":\"min\"}", "b: controls[3].rule.table: only version_ge and version_lt take a table name" },
	{ "{\"op\":\"version_ge\",\"fact\":\"x\",\"table\":\"bad_x\"}", "b: tables.bad_x[0].extract: invalid regular expression '('" },
	{ "{\"op\":\"version_ge\",\"fact\":\"x\",\"table\":\"no_group\"}", "b: tables.no_group[0].extract: 'x' has 0 capture groups, needs exactly one" },
	{ "{\"op\":\"version_ge\",\"fact\":\"x\",\"table\":\"two_groups\"}", "b: tables.two_groups[0].extract: '(a)(b)' has 2 capture groups, needs exactly one" },
	{ "{\"op\":\"version_lt\",\"fact\":\"x\",\"table\":\"num_x\"}", "b: tables.num_x[0].extract: expected a string" },
	{ "{\"op\":\"all\",\"rules\":[]}", "b: controls[3].rule.rules: expected an array of 1 to 64 rules" },
	{ "{\"op\":\"all\",\"rules\":[{\"op\":\"eq\",\"fact\":\"x\",\"value\":1,\"colour\":1}]}", "b: controls[3].rule.rules[0]: unknown key 'colour'" },
	{ "{\"op\":\"all\",\"fact\":\"x\",\"rules\":[{\"op\":\"present\",\"fact\":\"x\"}]}", "b: controls[3].rule: 'all' takes only \"rules\"" },
	{ "[1]", "b: controls[3].rule: expected a rule object" },
	{ "{\"op\":\"all\",\"rules\":[{\"op\":\"all\",\"rules\":[{\"op\":\"all\",\"rules\":[{\"op\":\"all\",\"rules\":[{\"op\":\"all\",\"rules\":[{\"op\":\"all\",\"rules\":[{\"op\":\"all\",\"rules\":[{\"op\":\"all\",\"rules\":[{\"op\":\"all\",\"rules\":[{\"op\":\"present\",\"fact\":\"x\"}]}]}]}]}]}]}]}]}]}",
	  "b: controls[3].rule.rules[0].rules[0].rules[0].rules[0].rules[0].rules[0].rules[0].rules[0].rules[0]: rules nested deeper than 8" },
};

static void
test_load_errors(void **state)
{
	struct param params[4];
	const char *tnames[16];
	const struct jv *tables[16];
	struct jv *pdoc, *tdoc;
	struct rule_env env;
	size_t i;

	(void)state;
	make_env(&env, params, tnames, tables, &pdoc, &tdoc);
	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		struct errmsg e;
		struct jv *doc;
		struct rule *r;

		assert_int_equal(json_parse(bads[i].rule, strlen(bads[i].rule), "rule", &doc, &e), 0);
		e.msg[0] = '\0';
		r = rule_from_json(doc, &env, "b", "controls[3].rule", &e);
		if (r)
			fail_msg("row %zu: accepted %s", i, bads[i].rule);
		if (bads[i].msg)
			assert_string_equal(e.msg, bads[i].msg);
		else
			assert_true(strstr(e.msg, "controls[3].rule.value") != NULL);
		jv_free(doc);
	}
	jv_free(pdoc);
	jv_free(tdoc);
}

static void
test_observed_and_described(void **state)
{
	static const char rule[] = "{\"op\":\"none_of\",\"fact\":\"ssh.kex\",\"value\":[\"*-sha1\"]}";
	struct errmsg e;
	struct jv *doc;
	struct rule *r;
	struct sbuf obs, desc;

	(void)state;
	assert_int_equal(json_parse(rule, strlen(rule), "rule", &doc, &e), 0);
	r = rule_from_json(doc, NULL, "t", "rule", &e);
	assert_non_null(r);
	sbuf_init(&obs, 4096);
	sbuf_init(&desc, 4096);
	assert_int_equal(rule_eval(r, NULL, &F, &obs, NULL), TRI_FALSE);
	assert_non_null(strstr(sbuf_str(&obs), "ssh.kex includes diffie-hellman-group14-sha1 (of 3)"));
	rule_describe(r, NULL, &desc);
	assert_string_equal(sbuf_str(&desc), "ssh.kex has none of *-sha1");
	sbuf_release(&obs);
	sbuf_release(&desc);
	rule_free(r);
	jv_free(doc);
}

/* all and none show every part they read, not only up to the first that decided. */
static void
test_observed_every_reason(void **state)
{
	static const struct {
		const char *rule, *observed;
	} cases[] = {
		{ "{\"op\":\"all\",\"rules\":[{\"op\":\"none_of\",\"fact\":\"ssh.kex\",\"value\":[\"*-sha1\"]},"
		  "{\"op\":\"ge\",\"fact\":\"bits\",\"value\":4096}]}",
		  "ssh.kex includes diffie-hellman-group14-sha1 (of 3); bits=2048" },
		{ "{\"op\":\"none\",\"rules\":[{\"op\":\"eq\",\"fact\":\"bits\",\"value\":2048},"
		  "{\"op\":\"contains\",\"fact\":\"ssh.macs\",\"value\":\"hmac-md5\"}]}",
		  NULL },
	};
	struct errmsg e;
	struct jv *doc;
	struct rule *r;
	struct sbuf obs;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		assert_int_equal(json_parse(cases[i].rule, strlen(cases[i].rule), "rule", &doc, &e), 0);
		r = rule_from_json(doc, NULL, "t", "rule", &e);
		assert_non_null(r);
		sbuf_init(&obs, 4096);
		assert_int_equal(rule_eval(r, NULL, &F, &obs, NULL), TRI_FALSE);
		if (cases[i].observed)
			assert_string_equal(sbuf_str(&obs), cases[i].observed);
		else	/* both parts were read */
			assert_non_null(strstr(sbuf_str(&obs), "ssh.macs"));
		sbuf_release(&obs);
		rule_free(r);
		jv_free(doc);
	}
}

/* What a version rule shows: the extracted version beside the minimum, or why it could not. */
static void
test_version_text(void **state)
{
	static const struct {
		const char *rule, *observed, *why;
	} cases[] = {
		{ "{\"op\":\"version_ge\",\"fact\":\"ios_new\",\"table\":\"ios\"}",
		  "ios_new=1.3.6.1.4.1.9.1.1208 Cisco IOS Software, C2960X Software, Version 15.2(7)E8, "
		  "RELEASE SOFTWARE (fc1) (version 15.2(7)E8, minimum 15.2(4)E10)", "" },
		{ "{\"op\":\"version_ge\",\"fact\":\"ssh.version\",\"table\":\"min\"}",
		  "ssh.version=OpenSSH_9.2p1 Debian-2+deb12u3 (minimum OpenSSH_9.2p1 Debian-2+deb12u3)", "" },
		{ "{\"op\":\"version_ge\",\"fact\":\"ios_new\",\"table\":\"ios_miss\"}",
		  "ios_new=1.3.6.1.4.1.9.1.1208 Cisco IOS Software, C2960X Software, Version 15.2(7)E8, "
		  "RELEASE SOFTWARE (fc1)",
		  "cannot find a version in '1.3.6.1.4.1.9.1.1208 Cisco IOS Software, C2960X Software, "
		  "Version 15.2(7)E8, RELEASE SOFTWARE (fc1)' with 'Release ([0-9.]+)' (table 'ios_miss')" },
		{ "{\"op\":\"version_ge\",\"fact\":\"ssh.version\",\"table\":\"ios_eq\"}",
		  "ssh.version=OpenSSH_9.2p1 Debian-2+deb12u3",
		  "no minimum version known for 'OpenSSH_9.2p1 Debian-2+deb12u3' in table 'ios_eq'" },
	};
	struct param params[4];
	const char *tnames[16];
	const struct jv *tables[16];
	struct jv *pdoc, *tdoc, *doc;
	struct rule_env env;
	struct errmsg e;
	struct rule *r;
	struct sbuf obs, why;
	size_t i;

	(void)state;
	make_env(&env, params, tnames, tables, &pdoc, &tdoc);
	for (i = 0; i < NELEM(cases); i++) {
		assert_int_equal(json_parse(cases[i].rule, strlen(cases[i].rule), "rule", &doc, &e), 0);
		r = rule_from_json(doc, &env, "test", "rule", &e);
		assert_non_null(r);
		sbuf_init(&obs, 4096);
		sbuf_init(&why, 4096);
		rule_eval(r, &env, &F, &obs, &why);
		assert_string_equal(sbuf_str(&obs), cases[i].observed);
		assert_string_equal(sbuf_str(&why), cases[i].why);
		sbuf_release(&obs);
		sbuf_release(&why);
		rule_free(r);
		jv_free(doc);
	}
	jv_free(pdoc);
	jv_free(tdoc);
}

static void
test_version_cmp(void **state)
{
	static const struct {
		const char *a, *b;
		int sign;
	} v[] = {
		{ "1.0", "1.0", 0 },
		{ "1.0", "1.1", -1 },
		{ "1.10", "1.9", 1 },
		{ "OpenSSH_9.2p1 Debian-2+deb12u3", "OpenSSH_9.2p1 Debian-2+deb12u1", 1 },
		{ "OpenSSH_9.2p1 Debian-2+deb12u3", "OpenSSH_9.2p1 Debian-2+deb12u3", 0 },
		{ "OpenSSH_9.2p1", "OpenSSH_9.8p1", -1 },
		{ "OpenSSH_10.0p2", "OpenSSH_9.8p1", 1 },
		{ "1.0~rc1", "1.0", -1 },
		{ "1.0a", "1.0+", -1 },
		{ "007", "7", 0 },
		{ "", "0", 0 },
		{ "1.0", "1.0.1", -1 },
		/* Cisco IOS: release (rebuild) train, then the train's own number */
		{ "15.2(7)E8", "15.2(4)E10", 1 },
		{ "12.2(55)SE", "15.2(4)E10", -1 },
		{ "12.2(55)SE7", "15.2(4)E10", -1 },
		{ "15.2(7)E8", "15.2(7)E10", -1 },
		{ "15.2(7)E8", "15.2(7)E8", 0 },
		{ "12.2(55)SE12", "12.2(55)SE7", 1 },
		{ "12.2(55)SE", "12.2(55)SE7", -1 },
		{ "17.9.4a", "15.2(7)E8", 1 },
		/* Junos and ArubaOS-Switch */
		{ "21.4R3-S5.4", "21.4R3", 1 },
		{ "21.4R10", "21.4R3", 1 },
		{ "16.10.0012", "16.11.0016", -1 },
		/* Linux kernel releases from sysDescr */
		{ "6.1.0-28-amd64", "6.1.0", 1 },
		{ "5.10.0-32-amd64", "6.1.0", -1 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		int c = version_cmp(v[i].a, v[i].b);
		int s = c < 0 ? -1 : c > 0;

		if (s != v[i].sign)
			fail_msg("version_cmp('%s', '%s') = %d, want sign %d", v[i].a, v[i].b, c,
				 v[i].sign);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_eval_table),
		cmocka_unit_test(test_why_once),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_observed_and_described),
		cmocka_unit_test(test_observed_every_reason),
		cmocka_unit_test(test_version_text),
		cmocka_unit_test(test_version_cmp),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
