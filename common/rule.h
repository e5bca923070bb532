#ifndef CB_RULE_H
#define CB_RULE_H
/*
 * Rules over facts, with three-valued logic.
 *
 * Leaf operators compare one fact with a value (or a named parameter of the
 * control, or a data table of the baseline):
 *   eq ne lt le gt ge            bool/int/num/string (numbers compare as doubles)
 *   in not_in                    scalar fact in/not in a list of values
 *   contains                     list fact contains the value
 *   any_of none_of               list fact has any/none of the shell patterns
 *   subset                       every item of the list fact matches a pattern
 *   regex                        string fact matches the POSIX ERE
 *   version_ge version_lt        version comparison (dpkg rules); the value may
 *                                come from a table: rows {"match": ERE, "minimum": V,
 *                                "extract": ERE with one group}; the first row whose
 *                                match fits the fact decides, and extract (if any)
 *                                takes the version to compare out of the fact
 *   range                        number fact does not alert against a Nagios range
 *   present                      the fact was gathered (true/false); unknown when
 *                                gathering it failed
 * Combinations: all any none over "rules".
 *
 * Unknown propagates Kleene-style: all() is false if any part is false (even
 * with unknown parts), any() is true if any part is true.
 */
#include <stdbool.h>
#include <stddef.h>

struct jv;
struct errmsg;
struct facts;
struct sbuf;

enum tri { TRI_FALSE = 0, TRI_TRUE = 1, TRI_UNKNOWN = 2 };

enum rule_op {
	RULE_EQ, RULE_NE, RULE_LT, RULE_LE, RULE_GT, RULE_GE,
	RULE_IN, RULE_NOT_IN, RULE_CONTAINS, RULE_ANY_OF, RULE_NONE_OF, RULE_SUBSET,
	RULE_REGEX, RULE_VERSION_GE, RULE_VERSION_LT, RULE_RANGE, RULE_PRESENT,
	RULE_ALL, RULE_ANY, RULE_NONE,
};

struct rule;		/* opaque */

/* A named parameter of a control: value and the direction that is stricter. */
enum param_stricter { PARAM_HIGHER, PARAM_LOWER, PARAM_SUPERSET, PARAM_SUBSET, PARAM_FIXED };
struct param {
	char *name;
	enum param_stricter stricter;
	const struct jv *value;	/* points into the baseline's or tailoring's document */
};

/* Lookup context for rules: the control's parameters and the baseline's tables. */
struct rule_env {
	const struct param *params;
	size_t nparams;
	const char *const *table_names;
	const struct jv *const *tables;
	size_t ntables;
};

/*
 * Builds a rule from JSON. `path` is the JSON path for messages
 * ("controls[3].rule"); `what` the file ("baseline 'x.json'"). Checks
 * operators, operand types, regexes and that named params/tables exist in env.
 * Returns NULL with e.g. "baseline 'x.json': controls[3].rule.op: unknown operator 'gte'".
 */
struct rule *rule_from_json(const struct jv *v, const struct rule_env *env, const char *what,
			    const char *path, struct errmsg *e);
void rule_free(struct rule *r);

/*
 * Evaluates r. Appends what was observed to `observed` (the facts the rule
 * read, "ssh.kex=a, b") and, when unknown, the reason to `why`.
 */
enum tri rule_eval(const struct rule *r, const struct rule_env *env, const struct facts *f,
		   struct sbuf *observed, struct sbuf *why);
/* The rule as readable text for "expected": "ssh.kex has none of diffie-hellman-group1-sha1, ...". */
void rule_describe(const struct rule *r, const struct rule_env *env, struct sbuf *sb);
/* Every fact name the rule reads, appended to sb separated by ", ". */
void rule_facts(const struct rule *r, struct sbuf *sb);

/* Compares versions by dpkg's rules over the whole string: <0, 0, >0. */
int version_cmp(const char *a, const char *b);

#endif
