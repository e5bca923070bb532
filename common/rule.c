/* Rules over facts, with three-valued logic. */
#include <ctype.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "json.h"
#include "range.h"
#include "rule.h"
#include "util.h"
#include "banned.h"

#define RULE_MAX_DEPTH 8
#define RULE_MAX_CHILDREN 64

enum src { SRC_NONE, SRC_VALUE, SRC_PARAM, SRC_TABLE };

struct rule {
	enum rule_op op;
	char *fact;
	enum src src;
	const struct jv *value;	/* SRC_VALUE: points into the baseline document */
	char *name;		/* SRC_PARAM / SRC_TABLE */
	regex_t re;
	bool has_re;
	struct range range;
	struct rule **sub;
	size_t nsub;
};

/* Operand kinds each leaf operator takes. */
enum kind { K_NONE, K_SCALAR, K_NUMBER, K_STRING, K_SCALAR_LIST, K_STRING_LIST, K_VERSION, K_RANGE };

static const struct {
	const char *name;
	enum rule_op op;
	enum kind kind;
} ops[] = {
	{ "eq", RULE_EQ, K_SCALAR },		{ "ne", RULE_NE, K_SCALAR },
	{ "lt", RULE_LT, K_NUMBER },		{ "le", RULE_LE, K_NUMBER },
	{ "gt", RULE_GT, K_NUMBER },		{ "ge", RULE_GE, K_NUMBER },
	{ "in", RULE_IN, K_SCALAR_LIST },	{ "not_in", RULE_NOT_IN, K_SCALAR_LIST },
	{ "contains", RULE_CONTAINS, K_STRING },
	{ "any_of", RULE_ANY_OF, K_STRING_LIST }, { "none_of", RULE_NONE_OF, K_STRING_LIST },
	{ "subset", RULE_SUBSET, K_STRING_LIST },
	{ "regex", RULE_REGEX, K_STRING },
	{ "version_ge", RULE_VERSION_GE, K_VERSION }, { "version_lt", RULE_VERSION_LT, K_VERSION },
	{ "range", RULE_RANGE, K_RANGE },	{ "present", RULE_PRESENT, K_NONE },
	{ "all", RULE_ALL, K_NONE },		{ "any", RULE_ANY, K_NONE },
	{ "none", RULE_NONE, K_NONE },
};

static enum kind
op_kind(enum rule_op op)
{
	size_t i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (ops[i].op == op)
			return ops[i].kind;
	return K_NONE;
}

static bool
is_combination(enum rule_op op)
{
	return op == RULE_ALL || op == RULE_ANY || op == RULE_NONE;
}

static const struct param *
env_param(const struct rule_env *env, const char *name)
{
	size_t i;

	for (i = 0; env && i < env->nparams; i++)
		if (strcmp(env->params[i].name, name) == 0)
			return &env->params[i];
	return NULL;
}

static const struct jv *
env_table(const struct rule_env *env, const char *name)
{
	size_t i;

	for (i = 0; env && i < env->ntables; i++)
		if (strcmp(env->table_names[i], name) == 0)
			return env->tables[i];
	return NULL;
}

static bool
is_scalar(const struct jv *v)
{
	return v->type == JV_BOOL || v->type == JV_INT || v->type == JV_DOUBLE ||
	       v->type == JV_STRING;
}

static bool
is_number(const struct jv *v)
{
	return v->type == JV_INT || v->type == JV_DOUBLE;
}

/* Does operand v suit kind k? Returns NULL or what was expected. */
static const char *
kind_mismatch(enum kind k, const struct jv *v)
{
	size_t i;

	switch (k) {
	case K_SCALAR:
		return is_scalar(v) ? NULL : "a boolean, number or string";
	case K_NUMBER:
		return is_number(v) ? NULL : "a number";
	case K_STRING:
	case K_VERSION:
	case K_RANGE:
		return v->type == JV_STRING ? NULL : "a string";
	case K_SCALAR_LIST:
		if (v->type != JV_ARRAY)
			return "an array";
		for (i = 0; i < v->n; i++)
			if (!is_scalar(&v->items[i]))
				return "an array of booleans, numbers or strings";
		return NULL;
	case K_STRING_LIST:
		if (v->type != JV_ARRAY)
			return "an array of strings";
		for (i = 0; i < v->n; i++)
			if (v->items[i].type != JV_STRING)
				return "an array of strings";
		return NULL;
	case K_NONE:
		return NULL;
	}
	return NULL;
}

/*
 * A version table: an array of {"match": ERE, "minimum": string, "note":
 * string, "extract": ERE}. "extract" (optional) has one capture group: the
 * version compared is what it captures from the fact, not the whole fact.
 */
static int
check_table(const struct jv *t, const char *what, const char *path, const char *name,
	    struct errmsg *e)
{
	regex_t re;
	size_t i, k;

	if (t->type != JV_ARRAY) {
		errmsg_set(e, "%s: %s: table '%s' must be an array of {match, minimum}", what, path,
			   name);
		return -1;
	}
	for (i = 0; i < t->n; i++) {
		const struct jv *row = &t->items[i], *m = jv_get(row, "match"),
				*min = jv_get(row, "minimum");

		if (row->type != JV_OBJECT || !m || m->type != JV_STRING || !min ||
		    min->type != JV_STRING) {
			errmsg_set(e, "%s: tables.%s[%zu]: expected {\"match\": ERE, \"minimum\": version}",
				   what, name, i);
			return -1;
		}
		for (k = 0; k < row->n; k++)
			if (strcmp(row->keys[k], "match") && strcmp(row->keys[k], "minimum") &&
			    strcmp(row->keys[k], "note") && strcmp(row->keys[k], "extract")) {
				errmsg_set(e, "%s: tables.%s[%zu]: unknown key '%s'", what, name, i,
					   row->keys[k]);
				return -1;
			}
		if (regcomp(&re, m->s, REG_EXTENDED | REG_NOSUB) != 0) {
			errmsg_set(e, "%s: tables.%s[%zu].match: invalid regular expression '%s'", what,
				   name, i, m->s);
			return -1;
		}
		regfree(&re);
		if (!(m = jv_get(row, "extract")))
			continue;
		if (m->type != JV_STRING) {
			errmsg_set(e, "%s: tables.%s[%zu].extract: expected a string", what, name, i);
			return -1;
		}
		if (regcomp(&re, m->s, REG_EXTENDED) != 0) {
			errmsg_set(e, "%s: tables.%s[%zu].extract: invalid regular expression '%s'",
				   what, name, i, m->s);
			return -1;
		}
		k = re.re_nsub;
		regfree(&re);
		if (k != 1) {
			errmsg_set(e, "%s: tables.%s[%zu].extract: '%s' has %zu capture groups, needs exactly one",
				   what, name, i, m->s, k);
			return -1;
		}
	}
	return 0;
}

static struct rule *
from_json(const struct jv *v, const struct rule_env *env, const char *what, const char *path,
	  int depth, struct errmsg *e)
{
	const struct jv *op, *fact, *val, *param, *table, *rules;
	struct rule *r;
	const char *bad;
	struct errmsg re;
	size_t i, nsrc;
	bool found = false;

	if (depth > RULE_MAX_DEPTH) {
		errmsg_set(e, "%s: %s: rules nested deeper than %d", what, path, RULE_MAX_DEPTH);
		return NULL;
	}
	if (!v || v->type != JV_OBJECT) {
		errmsg_set(e, "%s: %s: expected a rule object", what, path);
		return NULL;
	}
	for (i = 0; i < v->n; i++) {
		static const char *const keys[] = { "op", "fact", "value", "param", "table", "rules",
						    "note" };
		size_t k;
		bool known = false;

		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			known |= strcmp(v->keys[i], keys[k]) == 0;
		if (!known) {
			errmsg_set(e, "%s: %s: unknown key '%s'", what, path, v->keys[i]);
			return NULL;
		}
	}
	op = jv_get(v, "op");
	if (!op || op->type != JV_STRING) {
		errmsg_set(e, "%s: %s.op: missing operator", what, path);
		return NULL;
	}
	r = xcalloc(1, sizeof(*r));
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strcmp(ops[i].name, op->s) == 0) {
			r->op = ops[i].op;
			found = true;
		}
	if (!found) {
		errmsg_set(e, "%s: %s.op: unknown operator '%s'", what, path, op->s);
		goto fail;
	}
	fact = jv_get(v, "fact");
	val = jv_get(v, "value");
	param = jv_get(v, "param");
	table = jv_get(v, "table");
	rules = jv_get(v, "rules");

	if (is_combination(r->op)) {
		if (fact || val || param || table) {
			errmsg_set(e, "%s: %s: '%s' takes only \"rules\"", what, path, op->s);
			goto fail;
		}
		if (!rules || rules->type != JV_ARRAY || rules->n == 0 ||
		    rules->n > RULE_MAX_CHILDREN) {
			errmsg_set(e, "%s: %s.rules: expected an array of 1 to %d rules", what, path,
				   RULE_MAX_CHILDREN);
			goto fail;
		}
		r->sub = xcalloc(rules->n, sizeof(*r->sub));
		for (i = 0; i < rules->n; i++) {
			char *sub = xasprintf("%s.rules[%zu]", path, i);

			r->sub[i] = from_json(&rules->items[i], env, what, sub, depth + 1, e);
			free(sub);
			if (!r->sub[i])
				goto fail;
			r->nsub++;
		}
		return r;
	}

	if (rules) {
		errmsg_set(e, "%s: %s.rules: only all, any and none take rules", what, path);
		goto fail;
	}
	if (!fact || fact->type != JV_STRING || !*fact->s) {
		errmsg_set(e, "%s: %s.fact: missing fact name", what, path);
		goto fail;
	}
	r->fact = xstrdup(fact->s);
	nsrc = (val != NULL) + (param != NULL) + (table != NULL);
	if (r->op == RULE_PRESENT) {
		if (nsrc) {
			errmsg_set(e, "%s: %s: 'present' takes no value", what, path);
			goto fail;
		}
		return r;
	}
	if (nsrc != 1) {
		errmsg_set(e, "%s: %s: expected exactly one of \"value\", \"param\", \"table\"", what,
			   path);
		goto fail;
	}
	if (table) {
		const struct jv *t;

		if (op_kind(r->op) != K_VERSION || table->type != JV_STRING) {
			errmsg_set(e, "%s: %s.table: only version_ge and version_lt take a table name",
				   what, path);
			goto fail;
		}
		if (!(t = env_table(env, table->s))) {
			errmsg_set(e, "%s: %s.table: no table '%s' in the baseline", what, path,
				   table->s);
			goto fail;
		}
		if (check_table(t, what, path, table->s, e) == -1)
			goto fail;
		r->src = SRC_TABLE;
		r->name = xstrdup(table->s);
		return r;
	}
	if (param) {
		const struct param *p;

		if (param->type != JV_STRING || !(p = env_param(env, param->s))) {
			errmsg_set(e, "%s: %s.param: no parameter '%s' in this control", what, path,
				   param->type == JV_STRING ? param->s : "?");
			goto fail;
		}
		if (r->op == RULE_REGEX || r->op == RULE_RANGE) {
			errmsg_set(e, "%s: %s.param: '%s' takes a literal value", what, path, op->s);
			goto fail;
		}
		if ((bad = kind_mismatch(op_kind(r->op), p->value))) {
			errmsg_set(e, "%s: %s.param: parameter '%s' is not %s", what, path, p->name,
				   bad);
			goto fail;
		}
		r->src = SRC_PARAM;
		r->name = xstrdup(param->s);
		return r;
	}
	if ((bad = kind_mismatch(op_kind(r->op), val))) {
		errmsg_set(e, "%s: %s.value: expected %s", what, path, bad);
		goto fail;
	}
	r->src = SRC_VALUE;
	r->value = val;
	if (r->op == RULE_REGEX) {
		if (regcomp(&r->re, val->s, REG_EXTENDED | REG_NOSUB) != 0) {
			errmsg_set(e, "%s: %s.value: invalid regular expression '%s'", what, path,
				   val->s);
			goto fail;
		}
		r->has_re = true;
	}
	if (r->op == RULE_RANGE && range_parse(&r->range, val->s, &re) == -1) {
		errmsg_set(e, "%s: %s.value: %s", what, path, re.msg);
		goto fail;
	}
	return r;
fail:
	rule_free(r);
	return NULL;
}

struct rule *
rule_from_json(const struct jv *v, const struct rule_env *env, const char *what, const char *path,
	       struct errmsg *e)
{
	return from_json(v, env, what, path, 0, e);
}

void
rule_free(struct rule *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->nsub; i++)
		rule_free(r->sub[i]);
	free(r->sub);
	free(r->fact);
	free(r->name);
	if (r->has_re)
		regfree(&r->re);
	free(r);
}

/* The operand of a leaf: literal or the control's parameter (tailoring may have changed it). */
static const struct jv *
operand(const struct rule *r, const struct rule_env *env)
{
	const struct param *p;

	if (r->src == SRC_PARAM)
		return (p = env_param(env, r->name)) ? p->value : NULL;
	return r->value;
}

/*
 * dpkg's version comparison over the whole string: non-digit runs compare
 * character by character with '~' before everything and letters before
 * other characters; digit runs compare as numbers.
 */
static int
order(int c)
{
	if (isdigit(c))
		return 0;
	if (isalpha(c))
		return c;
	if (c == '~')
		return -1;
	if (c)
		return c + 256;
	return 0;
}

int
version_cmp(const char *a, const char *b)
{
	while (*a || *b) {
		int first_diff = 0;

		while ((*a && !isdigit((unsigned char)*a)) || (*b && !isdigit((unsigned char)*b))) {
			int ac = order((unsigned char)*a), bc = order((unsigned char)*b);

			if (ac != bc)
				return ac - bc;
			a++;
			b++;
		}
		while (*a == '0')
			a++;
		while (*b == '0')
			b++;
		while (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			if (!first_diff)
				first_diff = *a - *b;
			a++;
			b++;
		}
		if (isdigit((unsigned char)*a))
			return 1;
		if (isdigit((unsigned char)*b))
			return -1;
		if (first_diff)
			return first_diff;
	}
	return 0;
}

/* Has observed already recorded fact `name` ("name=..." or "name includes ...")? */
static bool
observed_already(const struct sbuf *observed, const char *name)
{
	const char *p = sbuf_str(observed);
	size_t n = strlen(name);

	for (;;) {
		if (strncmp(p, name, n) == 0 && (p[n] == '=' || strncmp(p + n, " includes ", 10) == 0))
			return true;
		if (!(p = strstr(p, "; ")))
			return false;
		p += 2;
	}
}

/*
 * Records what a leaf read, once per fact: "fact=value", with a detail such
 * as a version minimum. For a list that fails because of some of its items
 * (none_of, subset), only those items: "ssh.kex includes a, b (of 14)", which
 * is what a reader needs to fix; the full list is there when the control
 * passes. Later leaves over the same fact add nothing: their detail would land
 * after another fact's value and read as if it belonged there.
 */
static void
observe(struct sbuf *observed, const struct fact *fa, const char *extra, const char *culprits)
{
	if (!observed || observed_already(observed, fa->name))
		return;
	if (observed->len)
		sbuf_addstr(observed, "; ");
	if (culprits) {
		sbuf_addf(observed, "%s includes %s (of %zu)", fa->name, culprits, fa->nlist);
		return;
	}
	sbuf_addf(observed, "%s=", fa->name);
	fact_format(fa, observed);
	if (extra) {
		sbuf_addstr(observed, " ");
		sbuf_addstr(observed, extra);
	}
}

/* Whether msg is already one of the "; "-separated parts of sb. */
static bool
has_part(const struct sbuf *sb, const char *msg)
{
	size_t n = strlen(msg);
	const char *p = sb->buf;

	while (p && (p = strstr(p, msg)) != NULL) {
		if ((p == sb->buf || (p - sb->buf >= 2 && p[-2] == ';' && p[-1] == ' ')) &&
		    (p[n] == '\0' || (p[n] == ';' && p[n + 1] == ' ')))
			return true;
		p++;
	}
	return false;
}

static void unknown(struct sbuf *why, const char *fmt, ...) CB_PRINTF(2, 3);

static void
unknown(struct sbuf *why, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (!why)
		return;
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (!has_part(why, msg)) {	/* a fact read twice by one rule says it once */
		if (why->len)
			sbuf_addstr(why, "; ");
		sbuf_addstr(why, msg);
	}
	free(msg);
}

/* Scalar fact vs scalar JSON value: <0, 0, >0, or 2 for "not comparable". */
static int
cmp_scalar(const struct fact *fa, const struct jv *v, bool *comparable)
{
	*comparable = true;
	if (fa->type == FACT_BOOL && v->type == JV_BOOL)
		return (int)fa->b - (int)v->b;
	if ((fa->type == FACT_INT || fa->type == FACT_NUM) && is_number(v)) {
		double x = fa->type == FACT_INT ? (double)fa->i : fa->num;

		return x < v->d ? -1 : x > v->d ? 1 : 0;
	}
	if (fa->type == FACT_STR && v->type == JV_STRING)
		return strcmp(fa->s, v->s);
	*comparable = false;
	return 0;
}

static const char *
type_word(enum fact_type t)
{
	static const char *const w[] = { "a boolean", "an integer", "a number", "a string",
					 "a list" };
	return w[t];
}

/* The row of a version table whose match fits s; NULL when none does. */
static const struct jv *
table_row(const struct jv *t, const char *s)
{
	size_t i;

	for (i = 0; t && i < t->n; i++) {
		const struct jv *m = jv_get(&t->items[i], "match");
		regex_t re;
		int rc;

		if (!m || regcomp(&re, m->s, REG_EXTENDED | REG_NOSUB) != 0)
			continue;
		rc = regexec(&re, s, 0, NULL, 0);
		regfree(&re);
		if (rc == 0)
			return &t->items[i];
	}
	return NULL;
}

/*
 * The version to compare from fact s: with the row's "extract", the text of
 * its capture group (an empty capture counts as none); without it, all of s.
 * Returns a new string the caller frees, or NULL when "extract" finds nothing.
 */
static char *
row_version(const struct jv *row, const char *s)
{
	const struct jv *x = row ? jv_get(row, "extract") : NULL;
	regmatch_t m[2];
	regex_t re;
	int rc;

	if (!x)
		return xstrdup(s);
	if (regcomp(&re, x->s, REG_EXTENDED) != 0)	/* checked at load: cannot happen */
		return NULL;
	rc = regexec(&re, s, 2, m, 0);
	regfree(&re);
	if (rc != 0 || m[1].rm_so < 0 || m[1].rm_eo <= m[1].rm_so)
		return NULL;
	return xstrndup(s + m[1].rm_so, (size_t)(m[1].rm_eo - m[1].rm_so));
}

static enum tri
eval_leaf(const struct rule *r, const struct rule_env *env, const struct facts *f,
	  struct sbuf *observed, struct sbuf *why)
{
	const struct fact *fa = facts_get(f, r->fact);
	const struct jv *v = operand(r, env);
	struct sbuf hits;
	enum tri res = TRI_UNKNOWN;
	bool comparable;
	size_t i, j;
	int c;

	/*
	 * present: gathered or not. A fact the check tried to gather and could not
	 * leaves it open whether the control applies: unknown, never "not applicable".
	 */
	if (r->op == RULE_PRESENT && !fa)
		return TRI_FALSE;
	if (!fa) {
		unknown(why, "fact '%s' was not gathered", r->fact);
		return TRI_UNKNOWN;
	}
	if (!fa->ok) {
		unknown(why, "%s: %s", r->fact, fa->reason);
		return TRI_UNKNOWN;
	}
	if (r->op == RULE_PRESENT)
		return TRI_TRUE;
	if (!v && r->src != SRC_TABLE) {
		unknown(why, "parameter '%s' is missing", r->name);
		return TRI_UNKNOWN;
	}
	sbuf_init(&hits, 1024);
	switch (r->op) {
	case RULE_EQ:
	case RULE_NE:
	case RULE_LT:
	case RULE_LE:
	case RULE_GT:
	case RULE_GE:
		c = cmp_scalar(fa, v, &comparable);
		if (!comparable)
			break;
		switch (r->op) {
		case RULE_EQ: res = c == 0; break;
		case RULE_NE: res = c != 0; break;
		case RULE_LT: res = c < 0; break;
		case RULE_LE: res = c <= 0; break;
		case RULE_GT: res = c > 0; break;
		default: res = c >= 0; break;
		}
		break;
	case RULE_IN:
	case RULE_NOT_IN:
		if (fa->type == FACT_LIST)
			break;
		res = TRI_FALSE;
		for (i = 0; i < v->n; i++)
			if (cmp_scalar(fa, &v->items[i], &comparable) == 0 && comparable)
				res = TRI_TRUE;
		if (r->op == RULE_NOT_IN)
			res = res == TRI_TRUE ? TRI_FALSE : TRI_TRUE;
		break;
	case RULE_CONTAINS:
		if (fa->type != FACT_LIST)
			break;
		res = TRI_FALSE;
		for (i = 0; i < fa->nlist; i++)
			if (strcmp(fa->list[i], v->s) == 0)
				res = TRI_TRUE;
		break;
	case RULE_ANY_OF:
	case RULE_NONE_OF:
	case RULE_SUBSET:
		if (fa->type != FACT_LIST)
			break;
		for (i = 0; i < fa->nlist; i++) {
			bool match = false;

			for (j = 0; j < v->n && !match; j++)
				match = util_glob(v->items[j].s, fa->list[i]);
			if (match != (r->op == RULE_SUBSET)) {
				if (hits.len)
					sbuf_addstr(&hits, ", ");
				sbuf_addstr(&hits, fa->list[i]);
			}
		}
		if (r->op == RULE_ANY_OF)
			res = hits.len ? TRI_TRUE : TRI_FALSE;
		else
			res = hits.len ? TRI_FALSE : TRI_TRUE;
		break;
	case RULE_REGEX:
		if (fa->type != FACT_STR)
			break;
		res = regexec(&r->re, fa->s, 0, NULL, 0) == 0 ? TRI_TRUE : TRI_FALSE;
		break;
	case RULE_VERSION_GE:
	case RULE_VERSION_LT: {
		const struct jv *row = NULL;
		const char *min;
		char *have;

		if (fa->type != FACT_STR)
			break;
		if (r->src == SRC_TABLE) {
			row = table_row(env_table(env, r->name), fa->s);
			min = row ? jv_get(row, "minimum")->s : NULL;
		} else {
			min = v->s;
		}
		if (!min) {
			observe(observed, fa, NULL, NULL);
			unknown(why, "no minimum version known for '%s' in table '%s'", fa->s,
				r->name);
			sbuf_release(&hits);
			return TRI_UNKNOWN;
		}
		if (!(have = row_version(row, fa->s))) {
			observe(observed, fa, NULL, NULL);
			unknown(why, "cannot find a version in '%s' with '%s' (table '%s')", fa->s,
				jv_get(row, "extract")->s, r->name);
			sbuf_release(&hits);
			return TRI_UNKNOWN;
		}
		c = version_cmp(have, min);
		res = r->op == RULE_VERSION_GE ? c >= 0 : c < 0;
		if (r->src == SRC_TABLE && jv_get(row, "extract"))
			sbuf_addf(&hits, "(version %s, minimum %s)", have, min);
		else if (r->src == SRC_TABLE)
			sbuf_addf(&hits, "(minimum %s)", min);
		free(have);
		break;
	}
	case RULE_RANGE:
		if (fa->type != FACT_INT && fa->type != FACT_NUM)
			break;
		res = range_alert(&r->range, fa->type == FACT_INT ? (double)fa->i : fa->num)
			      ? TRI_FALSE : TRI_TRUE;
		break;
	default:
		break;
	}
	if (res == TRI_UNKNOWN) {
		unknown(why, "fact '%s' is %s, which this rule cannot compare", r->fact,
			type_word(fa->type));
	} else if (res == TRI_FALSE && hits.len && (r->op == RULE_NONE_OF || r->op == RULE_SUBSET)) {
		observe(observed, fa, NULL, sbuf_str(&hits));
	} else {
		bool detail = r->op == RULE_VERSION_GE || r->op == RULE_VERSION_LT;

		observe(observed, fa, detail && hits.len ? sbuf_str(&hits) : NULL, NULL);
	}
	sbuf_release(&hits);
	return res;
}

enum tri
rule_eval(const struct rule *r, const struct rule_env *env, const struct facts *f,
	  struct sbuf *observed, struct sbuf *why)
{
	bool any_unknown = false, decided = false;
	size_t i;

	if (!is_combination(r->op))
		return eval_leaf(r, env, f, observed, why);
	/*
	 * all and none read every part even once one decided, so that the
	 * observed text shows every reason a control fails, not only the first.
	 */
	for (i = 0; i < r->nsub; i++) {
		enum tri t = rule_eval(r->sub[i], env, f, observed, why);

		if (t == TRI_UNKNOWN)
			any_unknown = true;
		else if (r->op == RULE_ANY && t == TRI_TRUE)
			return TRI_TRUE;
		else if ((r->op == RULE_ALL && t == TRI_FALSE) || (r->op == RULE_NONE && t == TRI_TRUE))
			decided = true;
	}
	if (decided)
		return TRI_FALSE;
	if (any_unknown)
		return TRI_UNKNOWN;
	return r->op == RULE_ANY ? TRI_FALSE : TRI_TRUE;
}

static void
describe_value(const struct jv *v, struct sbuf *sb)
{
	size_t i;

	switch (v->type) {
	case JV_BOOL:
		sbuf_addstr(sb, v->b ? "true" : "false");
		break;
	case JV_INT:
		sbuf_addf(sb, "%lld", v->i);
		break;
	case JV_DOUBLE:
		sbuf_addf(sb, "%.15g", v->d);
		break;
	case JV_STRING:
		sbuf_addstr(sb, v->s);
		break;
	case JV_ARRAY:
		for (i = 0; i < v->n; i++) {
			if (i)
				sbuf_addstr(sb, ", ");
			describe_value(&v->items[i], sb);
		}
		break;
	default:
		sbuf_addstr(sb, "?");
	}
}

void
rule_describe(const struct rule *r, const struct rule_env *env, struct sbuf *sb)
{
	static const struct {
		enum rule_op op;
		const char *text;
	} words[] = {
		{ RULE_EQ, "=" }, { RULE_NE, "!=" }, { RULE_LT, "below" }, { RULE_LE, "at most" },
		{ RULE_GT, "above" }, { RULE_GE, "at least" }, { RULE_IN, "in" },
		{ RULE_NOT_IN, "not in" },
		{ RULE_CONTAINS, "contains" }, { RULE_ANY_OF, "has any of" },
		{ RULE_NONE_OF, "has none of" }, { RULE_SUBSET, "has only" },
		{ RULE_REGEX, "matches" }, { RULE_VERSION_GE, "version at least" },
		{ RULE_VERSION_LT, "version below" }, { RULE_RANGE, "within range" },
	};
	const struct jv *v;
	size_t i;

	if (is_combination(r->op)) {
		sbuf_addf(sb, "%s of (", r->op == RULE_ALL ? "all" : r->op == RULE_ANY ? "any" : "none");
		for (i = 0; i < r->nsub; i++) {
			if (i)
				sbuf_addstr(sb, "; ");
			rule_describe(r->sub[i], env, sb);
		}
		sbuf_addstr(sb, ")");
		return;
	}
	if (r->op == RULE_PRESENT) {
		sbuf_addf(sb, "%s gathered", r->fact);
		return;
	}
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (words[i].op == r->op)
			sbuf_addf(sb, "%s %s ", r->fact, words[i].text);
	if (r->src == SRC_TABLE) {
		sbuf_addf(sb, "the minimum in table %s", r->name);
		return;
	}
	v = operand(r, env);
	if (v)
		describe_value(v, sb);
	else
		sbuf_addstr(sb, "?");
}

void
rule_facts(const struct rule *r, struct sbuf *sb)
{
	size_t i;

	if (r->fact) {
		if (sb->len)
			sbuf_addstr(sb, ", ");
		sbuf_addstr(sb, r->fact);
	}
	for (i = 0; i < r->nsub; i++)
		rule_facts(r->sub[i], sb);
}
