/* Baselines as data: loading, validation, tailoring (docs/baseline-format.md). */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "json.h"
#include "util.h"
#include "banned.h"

#define BASELINE_MAX_CONTROLS 2000
#define BASELINE_MAX_PROFILES 32

static const char *const families[] = { "host", "ssh", "tls", "snmp", "mail", "web" };
static const char *const frameworks[] = { "nis2", "iso27001_2022", "cis_v8", "dk", "other" };

/* Context for messages: "baseline 'x.json'" plus the JSON path. */
struct ctx {
	const char *what;
	struct errmsg *e;
};

static bool
in_set(const char *s, const char *const *set, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(s, set[i]) == 0)
			return true;
	return false;
}

/* Every key of object v must be one of keys[]. */
static int
only_keys(const struct ctx *cx, const struct jv *v, const char *path, const char *const *keys,
	  size_t nkeys)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		if (!in_set(v->keys[i], keys, nkeys)) {
			errmsg_set(cx->e, "%s: %s%s%s: unknown key", cx->what, path, *path ? "." : "",
				   v->keys[i]);
			return -1;
		}
	return 0;
}

static const char *
get_str(const struct ctx *cx, const struct jv *obj, const char *path, const char *key,
	bool required)
{
	const struct jv *v = jv_get(obj, key);

	if (!v) {
		if (required)
			errmsg_set(cx->e, "%s: %s%s%s: missing", cx->what, path, *path ? "." : "", key);
		return NULL;
	}
	if (v->type != JV_STRING || !*v->s) {
		errmsg_set(cx->e, "%s: %s%s%s: expected a non-empty string", cx->what, path,
			   *path ? "." : "", key);
		return NULL;
	}
	return v->s;
}

static int
get_text(const struct ctx *cx, const struct jv *obj, const char *path, const char *key,
	 struct text *t, bool required)
{
	static const char *const langs[] = { "en", "da" };
	const struct jv *v = jv_get(obj, key);
	const char *en, *da;
	char *sub;

	if (!v) {
		if (!required)
			return 0;
		errmsg_set(cx->e, "%s: %s%s%s: missing", cx->what, path, *path ? "." : "", key);
		return -1;
	}
	sub = xasprintf("%s%s%s", path, *path ? "." : "", key);
	if (v->type != JV_OBJECT) {
		errmsg_set(cx->e, "%s: %s: expected {\"en\": ..., \"da\": ...}", cx->what, sub);
		free(sub);
		return -1;
	}
	if (only_keys(cx, v, sub, langs, 2) == -1 || !(en = get_str(cx, v, sub, "en", true)) ||
	    !(da = get_str(cx, v, sub, "da", true))) {
		free(sub);
		return -1;
	}
	free(sub);
	t->en = xstrdup(en);
	t->da = xstrdup(da);
	return 0;
}

static void
text_release(struct text *t)
{
	free(t->en);
	free(t->da);
	t->en = t->da = NULL;
}

const char *
text_get(const struct text *t, const char *lang)
{
	if (lang && strcmp(lang, "da") == 0 && t->da)
		return t->da;
	return t->en ? t->en : "";
}

const char *
severity_name(enum severity s)
{
	return s == SEV_CRITICAL ? "critical" : "warning";
}

static int
parse_severity(const char *s, enum severity *out)
{
	if (strcmp(s, "critical") == 0)
		*out = SEV_CRITICAL;
	else if (strcmp(s, "warning") == 0)
		*out = SEV_WARNING;
	else
		return -1;
	return 0;
}

/*
 * A control id: ^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*-[0-9]{3}$, at most 40 characters
 * ("SSH-003", "AAR-SSH-001"). Checked by hand: a regcomp() per control was
 * a measurable share of a check's start-up.
 */
static bool
valid_id(const char *id)
{
	size_t len = strlen(id), i;

	if (len < 5 || len > 40 || id[0] < 'A' || id[0] > 'Z' || id[len - 4] != '-')
		return false;
	for (i = len - 3; i < len; i++)
		if (id[i] < '0' || id[i] > '9')
			return false;
	for (i = 1; i < len - 4; i++) {
		bool alnum = (id[i] >= 'A' && id[i] <= 'Z') || (id[i] >= '0' && id[i] <= '9');

		if (!alnum && !(id[i] == '-' && id[i - 1] != '-' && id[i + 1] != '-'))
			return false;
	}
	return true;
}

static void
control_release(struct control *c)
{
	size_t i;

	free(c->id);
	free(c->family);
	for (i = 0; i < c->nalso; i++)
		free(c->also_in[i]);
	free(c->profile);
	free(c->origin);
	text_release(&c->title);
	text_release(&c->rationale);
	text_release(&c->remediation);
	for (i = 0; i < c->nrefs; i++) {
		free(c->refs[i].framework);
		free(c->refs[i].ref);
	}
	free(c->refs);
	for (i = 0; i < c->nparams; i++)
		free(c->params[i].name);
	free(c->params);
	rule_free(c->applies_if);
	rule_free(c->rule);
	rule_free(c->warning_rule);
	memset(c, 0, sizeof(*c));
}

static int
load_refs(const struct ctx *cx, const struct jv *v, const char *path, struct control *c)
{
	size_t i, k;

	if (!v || v->type != JV_OBJECT) {
		errmsg_set(cx->e, "%s: %s.references: missing or not an object", cx->what, path);
		return -1;
	}
	for (i = 0; i < v->n; i++) {
		const struct jv *list = &v->items[i];

		if (!in_set(v->keys[i], frameworks, sizeof(frameworks) / sizeof(frameworks[0]))) {
			errmsg_set(cx->e, "%s: %s.references.%s: unknown framework (nis2, iso27001_2022, cis_v8, dk, other)",
				   cx->what, path, v->keys[i]);
			return -1;
		}
		if (list->type != JV_ARRAY) {
			errmsg_set(cx->e, "%s: %s.references.%s: expected an array of strings",
				   cx->what, path, v->keys[i]);
			return -1;
		}
		for (k = 0; k < list->n; k++) {
			if (list->items[k].type != JV_STRING || !*list->items[k].s) {
				errmsg_set(cx->e, "%s: %s.references.%s[%zu]: expected a string",
					   cx->what, path, v->keys[i], k);
				return -1;
			}
			c->refs = xrealloc(c->refs, (c->nrefs + 1) * sizeof(*c->refs));
			c->refs[c->nrefs].framework = xstrdup(v->keys[i]);
			c->refs[c->nrefs].ref = xstrdup(list->items[k].s);
			c->nrefs++;
		}
	}
	for (i = 0; i < 2; i++) {
		const struct jv *l = jv_get(v, frameworks[i]);

		if (!l || l->n == 0) {
			errmsg_set(cx->e, "%s: %s.references.%s: missing (every control names it)",
				   cx->what, path, frameworks[i]);
			return -1;
		}
	}
	return 0;
}

static int
parse_stricter(const char *s, enum param_stricter *out)
{
	static const char *const names[] = { "higher", "lower", "superset", "subset", "fixed" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (enum param_stricter)i;
			return 0;
		}
	return -1;
}

static int
load_params(const struct ctx *cx, const struct jv *v, const char *path, struct control *c)
{
	static const char *const keys[] = { "value", "stricter" };
	size_t i;

	if (!v)
		return 0;
	if (v->type != JV_OBJECT) {
		errmsg_set(cx->e, "%s: %s.params: expected an object", cx->what, path);
		return -1;
	}
	c->params = xcalloc(v->n ? v->n : 1, sizeof(*c->params));
	for (i = 0; i < v->n; i++) {
		const struct jv *p = &v->items[i], *val, *st;
		char *sub = xasprintf("%s.params.%s", path, v->keys[i]);
		struct param *pa = &c->params[c->nparams];
		int rc = -1;

		if (p->type != JV_OBJECT)
			errmsg_set(cx->e, "%s: %s: expected {\"value\": ..., \"stricter\": ...}",
				   cx->what, sub);
		else if (only_keys(cx, p, sub, keys, 2) == -1)
			;
		else if (!(val = jv_get(p, "value")))
			errmsg_set(cx->e, "%s: %s.value: missing", cx->what, sub);
		else if (!(st = jv_get(p, "stricter")) || st->type != JV_STRING ||
			 parse_stricter(st->s, &pa->stricter) == -1)
			errmsg_set(cx->e, "%s: %s.stricter: expected higher, lower, superset, subset or fixed",
				   cx->what, sub);
		else if ((pa->stricter == PARAM_HIGHER || pa->stricter == PARAM_LOWER) &&
			 val->type != JV_INT && val->type != JV_DOUBLE)
			errmsg_set(cx->e, "%s: %s.value: '%s' needs a number", cx->what, sub, st->s);
		else if ((pa->stricter == PARAM_SUPERSET || pa->stricter == PARAM_SUBSET) &&
			 val->type != JV_ARRAY)
			errmsg_set(cx->e, "%s: %s.value: '%s' needs an array", cx->what, sub, st->s);
		else {
			pa->name = xstrdup(v->keys[i]);
			pa->value = val;
			c->nparams++;
			rc = 0;
		}
		free(sub);
		if (rc == -1)
			return -1;
	}
	return 0;
}

static struct rule *
load_rule(const struct ctx *cx, const struct jv *obj, const char *path, const char *key,
	  const struct control *c)
{
	const struct jv *v = jv_get(obj, key);
	char *sub;
	struct rule *r;

	if (!v)
		return NULL;
	sub = xasprintf("%s.%s", path, key);
	r = rule_from_json(v, &c->env, cx->what, sub, cx->e);
	free(sub);
	return r;
}

/* "also_in": other families (never the control's own), each once. */
static int
load_also_in(const struct ctx *cx, const struct jv *v, const char *path, struct control *c)
{
	size_t i, k;

	if (!v)
		return 0;
	if (v->type != JV_ARRAY || v->n == 0 || v->n > BASELINE_ALSO_MAX) {
		errmsg_set(cx->e, "%s: %s.also_in: expected an array of 1 to %d families", cx->what,
			   path, BASELINE_ALSO_MAX);
		return -1;
	}
	for (i = 0; i < v->n; i++) {
		const struct jv *f = &v->items[i];

		if (f->type != JV_STRING ||
		    !in_set(f->s, families, sizeof(families) / sizeof(families[0]))) {
			errmsg_set(cx->e, "%s: %s.also_in[%zu]: expected a family (%s)", cx->what,
				   path, i, "host, ssh, tls, snmp, mail or web");
			return -1;
		}
		if (strcmp(f->s, c->family) == 0) {
			errmsg_set(cx->e, "%s: %s.also_in[%zu]: '%s' is the control's own family",
				   cx->what, path, i, f->s);
			return -1;
		}
		for (k = 0; k < c->nalso; k++)
			if (strcmp(c->also_in[k], f->s) == 0) {
				errmsg_set(cx->e, "%s: %s.also_in[%zu]: '%s' is listed twice",
					   cx->what, path, i, f->s);
				return -1;
			}
		c->also_in[c->nalso++] = xstrdup(f->s);
	}
	return 0;
}

bool
control_in_family(const struct control *c, const char *family)
{
	size_t i;

	if (strcmp(c->family, family) == 0)
		return true;
	for (i = 0; i < c->nalso; i++)
		if (strcmp(c->also_in[i], family) == 0)
			return true;
	return false;
}

/* Loads controls[i] (or a tailoring's) into c. */
static int
load_control(const struct ctx *cx, const struct baseline *b, const struct jv *v, const char *path,
	     struct control *c)
{
	static const char *const keys[] = { "id", "version", "family", "also_in", "profile", "severity",
					    "on_error", "title", "rationale", "remediation",
					    "references", "params", "applies_if", "rule",
					    "warning_rule", "note" };
	const char *id, *family, *profile, *sev, *on_error;
	const struct jv *ver;

	if (v->type != JV_OBJECT) {
		errmsg_set(cx->e, "%s: %s: expected a control object", cx->what, path);
		return -1;
	}
	if (only_keys(cx, v, path, keys, sizeof(keys) / sizeof(keys[0])) == -1 ||
	    !(id = get_str(cx, v, path, "id", true)))
		return -1;
	if (!valid_id(id)) {
		errmsg_set(cx->e, "%s: %s.id: '%s' is not a control id like 'SSH-003'", cx->what, path,
			   id);
		return -1;
	}
	c->id = xstrdup(id);
	ver = jv_get(v, "version");
	if (!ver || ver->type != JV_INT || ver->i < 1 || ver->i > 1000) {
		errmsg_set(cx->e, "%s: %s.version: expected an integer from 1", cx->what, path);
		return -1;
	}
	c->control_version = (int)ver->i;
	if (!(family = get_str(cx, v, path, "family", true)))
		return -1;
	if (!in_set(family, families, sizeof(families) / sizeof(families[0]))) {
		errmsg_set(cx->e, "%s: %s.family: unknown family '%s'", cx->what, path, family);
		return -1;
	}
	c->family = xstrdup(family);
	if (load_also_in(cx, jv_get(v, "also_in"), path, c) == -1)
		return -1;
	if (!(profile = get_str(cx, v, path, "profile", true)))
		return -1;
	if (!baseline_profile(b, profile)) {
		errmsg_set(cx->e, "%s: %s.profile: no profile '%s'", cx->what, path, profile);
		return -1;
	}
	c->profile = xstrdup(profile);
	if (!(sev = get_str(cx, v, path, "severity", true)))
		return -1;
	if (parse_severity(sev, &c->severity) == -1) {
		errmsg_set(cx->e, "%s: %s.severity: expected 'critical' or 'warning', not '%s'",
			   cx->what, path, sev);
		return -1;
	}
	c->on_error = 3;
	if ((on_error = get_str(cx, v, path, "on_error", false))) {
		if (strcmp(on_error, "unknown") == 0)
			c->on_error = 3;
		else if (strcmp(on_error, "warning") == 0)
			c->on_error = 1;
		else if (strcmp(on_error, "critical") == 0)
			c->on_error = 2;
		else {
			errmsg_set(cx->e, "%s: %s.on_error: expected unknown, warning or critical",
				   cx->what, path);
			return -1;
		}
	} else if (jv_get(v, "on_error")) {
		return -1;
	}
	if (get_text(cx, v, path, "title", &c->title, true) == -1 ||
	    get_text(cx, v, path, "rationale", &c->rationale, true) == -1 ||
	    get_text(cx, v, path, "remediation", &c->remediation, true) == -1 ||
	    load_refs(cx, jv_get(v, "references"), path, c) == -1 ||
	    load_params(cx, jv_get(v, "params"), path, c) == -1)
		return -1;
	c->env.params = c->params;
	c->env.nparams = c->nparams;
	c->env.table_names = (const char *const *)b->table_names;
	c->env.tables = (const struct jv *const *)b->tables;
	c->env.ntables = b->ntables;
	if (!jv_get(v, "rule")) {
		errmsg_set(cx->e, "%s: %s.rule: missing", cx->what, path);
		return -1;
	}
	if (!(c->rule = load_rule(cx, v, path, "rule", c)))
		return -1;
	if (jv_get(v, "applies_if") && !(c->applies_if = load_rule(cx, v, path, "applies_if", c)))
		return -1;
	if (jv_get(v, "warning_rule")) {
		if (c->severity != SEV_CRITICAL) {
			errmsg_set(cx->e, "%s: %s.warning_rule: only a critical control can grade",
				   cx->what, path);
			return -1;
		}
		if (!(c->warning_rule = load_rule(cx, v, path, "warning_rule", c)))
			return -1;
	}
	return 0;
}

static int
load_profiles(const struct ctx *cx, struct baseline *b, const struct jv *v)
{
	static const char *const keys[] = { "id", "inherits", "title" };
	size_t i, hops;

	if (!v || v->type != JV_ARRAY || v->n == 0 || v->n > BASELINE_MAX_PROFILES) {
		errmsg_set(cx->e, "%s: profiles: expected an array of 1 to %d profiles", cx->what,
			   BASELINE_MAX_PROFILES);
		return -1;
	}
	b->profiles = xcalloc(v->n, sizeof(*b->profiles));
	for (i = 0; i < v->n; i++) {
		char *path = xasprintf("profiles[%zu]", i);
		struct profile *p = &b->profiles[i];
		const char *id, *inh;
		int rc = -1;

		if (v->items[i].type != JV_OBJECT)
			errmsg_set(cx->e, "%s: %s: expected an object", cx->what, path);
		else if (only_keys(cx, &v->items[i], path, keys, 3) == -1 ||
			 !(id = get_str(cx, &v->items[i], path, "id", true)))
			;
		else if (baseline_profile(b, id))
			errmsg_set(cx->e, "%s: %s.id: duplicate profile '%s'", cx->what, path, id);
		else {
			inh = get_str(cx, &v->items[i], path, "inherits", false);
			if (!inh && jv_get(&v->items[i], "inherits"))
				;
			else if (get_text(cx, &v->items[i], path, "title", &p->title, true) == 0) {
				p->id = xstrdup(id);
				p->inherits = inh ? xstrdup(inh) : NULL;
				b->nprofiles++;
				rc = 0;
			}
		}
		free(path);
		if (rc == -1)
			return -1;
	}
	for (i = 0; i < b->nprofiles; i++) {
		const struct profile *p = &b->profiles[i];

		for (hops = 0; p && p->inherits; hops++) {
			const struct profile *next = baseline_profile(b, p->inherits);

			if (!next) {
				errmsg_set(cx->e, "%s: profiles[%zu].inherits: no profile '%s'",
					   cx->what, i, p->inherits);
				return -1;
			}
			if (hops > b->nprofiles) {
				errmsg_set(cx->e, "%s: profiles[%zu].inherits: inheritance loop",
					   cx->what, i);
				return -1;
			}
			p = next;
		}
	}
	return 0;
}

static int
load_tables(const struct ctx *cx, struct baseline *b, const struct jv *v)
{
	size_t i;

	if (!v)
		return 0;
	if (v->type != JV_OBJECT) {
		errmsg_set(cx->e, "%s: tables: expected an object", cx->what);
		return -1;
	}
	b->table_names = xcalloc(v->n ? v->n : 1, sizeof(*b->table_names));
	b->tables = xcalloc(v->n ? v->n : 1, sizeof(*b->tables));
	for (i = 0; i < v->n; i++) {
		b->table_names[i] = xstrdup(v->keys[i]);
		b->tables[i] = &v->items[i];
	}
	b->ntables = v->n;
	return 0;
}

static int
load_controls(const struct ctx *cx, struct baseline *b, const struct jv *v, const char *key,
	      const char *origin)
{
	size_t i;

	if (!v || v->type != JV_ARRAY || v->n > BASELINE_MAX_CONTROLS) {
		errmsg_set(cx->e, "%s: %s: expected an array of at most %d controls", cx->what, key,
			   BASELINE_MAX_CONTROLS);
		return -1;
	}
	b->controls = xrealloc(b->controls, (b->ncontrols + v->n + 1) * sizeof(*b->controls));
	for (i = 0; i < v->n; i++) {
		char *path = xasprintf("%s[%zu]", key, i);
		struct control *c = &b->controls[b->ncontrols];
		int rc;

		memset(c, 0, sizeof(*c));
		rc = load_control(cx, b, &v->items[i], path, c);
		if (rc == 0 && baseline_find(b, c->id)) {
			errmsg_set(cx->e, "%s: %s.id: control '%s' already exists", cx->what, path,
				   c->id);
			rc = -1;
		}
		free(path);
		if (rc == -1) {
			control_release(c);
			return -1;
		}
		if (origin)
			c->origin = xstrdup(origin);
		b->ncontrols++;
	}
	return 0;
}

static int
load_doc(struct baseline *b, struct jv *doc, const char *name, struct errmsg *e)
{
	static const char *const keys[] = { "format", "id", "version", "released", "title",
					    "description", "profiles", "tables", "controls" };
	struct ctx cx;
	const struct jv *fmt;
	const char *id, *version;
	char *what = xasprintf("baseline '%s'", name);
	int rc = -1;

	cx.what = what;
	cx.e = e;
	b->doc = doc;
	b->path = xstrdup(name);
	if (doc->type != JV_OBJECT) {
		errmsg_set(e, "%s: expected a JSON object at the top", what);
		goto out;
	}
	if (only_keys(&cx, doc, "", keys, sizeof(keys) / sizeof(keys[0])) == -1)
		goto out;
	fmt = jv_get(doc, "format");
	if (!fmt || fmt->type != JV_INT || fmt->i != BASELINE_FORMAT) {
		errmsg_set(e, "%s: format: expected %d", what, BASELINE_FORMAT);
		goto out;
	}
	b->format = BASELINE_FORMAT;
	if (!(id = get_str(&cx, doc, "", "id", true)) ||
	    !(version = get_str(&cx, doc, "", "version", true)) ||
	    get_text(&cx, doc, "", "title", &b->title, true) == -1 ||
	    load_profiles(&cx, b, jv_get(doc, "profiles")) == -1 ||
	    load_tables(&cx, b, jv_get(doc, "tables")) == -1 ||
	    load_controls(&cx, b, jv_get(doc, "controls"), "controls", NULL) == -1)
		goto out;
	b->id = xstrdup(id);
	b->version = xstrdup(version);
	rc = 0;
out:
	free(what);
	if (rc == -1)
		baseline_release(b);
	return rc;
}

int
baseline_load(struct baseline *b, const char *path, struct errmsg *e)
{
	struct jv *doc;
	char sha[DIGEST_HEX_LEN + 1];

	memset(b, 0, sizeof(*b));
	if (json_load_file(path, "baseline", &doc, sha, e) == -1)
		return -1;
	if (load_doc(b, doc, path, e) == -1)
		return -1;
	memcpy(b->sha256, sha, sizeof(sha));
	return 0;
}

int
baseline_load_buf(struct baseline *b, const char *text, size_t len, const char *name,
		  struct errmsg *e)
{
	struct jv *doc;
	char *what = xasprintf("baseline '%s'", name);
	int rc;

	memset(b, 0, sizeof(*b));
	rc = json_parse(text, len, what, &doc, e);
	free(what);
	if (rc == -1)
		return -1;
	if (load_doc(b, doc, name, e) == -1)
		return -1;
	digest_sha256_hex(text, len, b->sha256);
	return 0;
}

static struct control *
find_mut(struct baseline *b, const char *id)
{
	size_t i;

	for (i = 0; i < b->ncontrols; i++)
		if (strcmp(b->controls[i].id, id) == 0)
			return &b->controls[i];
	return NULL;
}

static struct param *
param_mut(struct control *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nparams; i++)
		if (strcmp(c->params[i].name, name) == 0)
			return &c->params[i];
	return NULL;
}

static bool
jv_equal(const struct jv *a, const struct jv *b)
{
	size_t i;

	if ((a->type == JV_INT || a->type == JV_DOUBLE) && (b->type == JV_INT || b->type == JV_DOUBLE))
		return a->d == b->d;
	if (a->type != b->type || a->n != b->n)
		return false;
	switch (a->type) {
	case JV_NULL:
		return true;
	case JV_BOOL:
		return a->b == b->b;
	case JV_STRING:
		return strcmp(a->s, b->s) == 0;
	default:
		for (i = 0; i < a->n; i++)
			if ((a->keys && strcmp(a->keys[i], b->keys[i])) ||
			    !jv_equal(&a->items[i], &b->items[i]))
				return false;
		return true;
	}
}

/* Every element of a is in b. */
static bool
jv_within(const struct jv *a, const struct jv *b)
{
	size_t i, k;

	for (i = 0; i < a->n; i++) {
		bool found = false;

		for (k = 0; k < b->n && !found; k++)
			found = jv_equal(&a->items[i], &b->items[k]);
		if (!found)
			return false;
	}
	return true;
}

/*
 * A subset of a list of shell patterns (approved sources, say): every
 * string of a is among b's strings, or is a plain string (no * ? [) that
 * one of b's patterns matches, or b allows everything ("*"). A pattern of
 * a that b does not hold verbatim is refused unless b has "*": whether one
 * pattern's strings are all another's is not decided here, and a tailoring
 * must never be let looser by a guess.
 */
static bool
jv_within_patterns(const struct jv *a, const struct jv *b)
{
	size_t i, k;

	for (i = 0; i < a->n; i++) {
		const struct jv *x = &a->items[i];
		bool found = false;

		for (k = 0; k < b->n && !found; k++) {
			const struct jv *y = &b->items[k];

			found = jv_equal(x, y) ||
				(x->type == JV_STRING && y->type == JV_STRING &&
				 (strcmp(y->s, "*") == 0 ||
				  (!strpbrk(x->s, "*?[") && util_glob(y->s, x->s))));
		}
		if (!found)
			return false;
	}
	return true;
}

/* Is `to` at least as strict as `from` in direction st? */
static bool
stricter_ok(enum param_stricter st, const struct jv *from, const struct jv *to)
{
	bool num = (to->type == JV_INT || to->type == JV_DOUBLE);

	switch (st) {
	case PARAM_HIGHER:
		return num && to->d >= from->d;
	case PARAM_LOWER:
		return num && to->d <= from->d;
	case PARAM_SUPERSET:
		return to->type == JV_ARRAY && jv_within(from, to);
	case PARAM_SUBSET:
		return to->type == JV_ARRAY && jv_within_patterns(to, from);
	case PARAM_FIXED:
		return jv_equal(from, to);
	}
	return false;
}

static void
value_text(const struct jv *v, struct sbuf *sb)
{
	size_t i;

	if (v->type == JV_INT)
		sbuf_addf(sb, "%lld", v->i);
	else if (v->type == JV_DOUBLE)
		sbuf_addf(sb, "%g", v->d);
	else if (v->type == JV_STRING)
		sbuf_addstr(sb, v->s);
	else if (v->type == JV_ARRAY) {
		sbuf_addstr(sb, "[");
		for (i = 0; i < v->n; i++) {
			if (i)
				sbuf_addstr(sb, ", ");
			value_text(&v->items[i], sb);
		}
		sbuf_addstr(sb, "]");
	} else
		sbuf_addstr(sb, jv_type_name(v->type));
}

static int
tailor_params(const struct ctx *cx, struct baseline *b, const struct jv *v)
{
	size_t i;

	if (!v)
		return 0;
	if (v->type != JV_OBJECT) {
		errmsg_set(cx->e, "%s: params: expected an object", cx->what);
		return -1;
	}
	for (i = 0; i < v->n; i++) {
		const char *key = v->keys[i], *dot = strchr(key, '.');
		struct control *c;
		struct param *p;
		char *id;

		if (!dot) {
			errmsg_set(cx->e, "%s: params.%s: expected 'CONTROL-ID.param'", cx->what, key);
			return -1;
		}
		id = xstrndup(key, (size_t)(dot - key));
		c = find_mut(b, id);
		free(id);
		if (!c || !(p = param_mut(c, dot + 1))) {
			errmsg_set(cx->e, "%s: params.%s: no such control parameter", cx->what, key);
			return -1;
		}
		if (!stricter_ok(p->stricter, p->value, &v->items[i])) {
			struct sbuf from, to;

			sbuf_init(&from, 256);
			sbuf_init(&to, 256);
			value_text(p->value, &from);
			value_text(&v->items[i], &to);
			errmsg_set(cx->e, "%s: params.%s: %s is looser than the national %s for %s (use a waiver)",
				   cx->what, key, sbuf_str(&to), sbuf_str(&from), c->id);
			sbuf_release(&from);
			sbuf_release(&to);
			return -1;
		}
		p->value = &v->items[i];
	}
	return 0;
}

static int
tailor_severity(const struct ctx *cx, struct baseline *b, const struct jv *v)
{
	size_t i;

	if (!v)
		return 0;
	if (v->type != JV_OBJECT) {
		errmsg_set(cx->e, "%s: severity: expected an object", cx->what);
		return -1;
	}
	for (i = 0; i < v->n; i++) {
		struct control *c = find_mut(b, v->keys[i]);
		enum severity s;

		if (!c) {
			errmsg_set(cx->e, "%s: severity.%s: no such control", cx->what, v->keys[i]);
			return -1;
		}
		if (v->items[i].type != JV_STRING || parse_severity(v->items[i].s, &s) == -1) {
			errmsg_set(cx->e, "%s: severity.%s: expected 'critical' or 'warning'",
				   cx->what, v->keys[i]);
			return -1;
		}
		if (s < c->severity) {
			errmsg_set(cx->e, "%s: severity.%s: cannot lower %s from critical to warning (use a waiver)",
				   cx->what, v->keys[i], c->id);
			return -1;
		}
		c->severity = s;
	}
	return 0;
}

int
baseline_tailor(struct baseline *b, const char *path, struct errmsg *e)
{
	static const char *const keys[] = { "format", "tailoring", "extends", "profile", "params",
					    "severity", "controls" };
	static const char *const tkeys[] = { "id", "version", "title" };
	static const char *const ekeys[] = { "baseline", "version" };
	const struct jv *fmt, *t, *ex;
	const char *id, *version, *eb, *ev, *profile;
	struct text title = { NULL, NULL };
	struct jv *doc;
	struct ctx cx;
	char sha[DIGEST_HEX_LEN + 1];
	char *what = xasprintf("tailoring '%s'", path);
	int rc = -1;

	cx.what = what;
	cx.e = e;
	if (b->tailoring_doc) {
		errmsg_set(e, "%s: a baseline takes one tailoring", what);
		free(what);
		return -1;
	}
	if (json_load_file(path, "tailoring", &doc, sha, e) == -1) {
		free(what);
		return -1;
	}
	b->tailoring_doc = doc;
	if (doc->type != JV_OBJECT) {
		errmsg_set(e, "%s: expected a JSON object at the top", what);
		goto out;
	}
	if (only_keys(&cx, doc, "", keys, sizeof(keys) / sizeof(keys[0])) == -1)
		goto out;
	fmt = jv_get(doc, "format");
	if (!fmt || fmt->type != JV_INT || fmt->i != BASELINE_FORMAT) {
		errmsg_set(e, "%s: format: expected %d", what, BASELINE_FORMAT);
		goto out;
	}
	t = jv_get(doc, "tailoring");
	ex = jv_get(doc, "extends");
	if (!t || t->type != JV_OBJECT) {
		errmsg_set(e, "%s: tailoring: missing or not an object", what);
		goto out;
	}
	if (!ex || ex->type != JV_OBJECT) {
		errmsg_set(e, "%s: extends: missing or not an object", what);
		goto out;
	}
	if (only_keys(&cx, t, "tailoring", tkeys, 3) == -1 ||
	    only_keys(&cx, ex, "extends", ekeys, 2) == -1 ||
	    !(id = get_str(&cx, t, "tailoring", "id", true)) ||
	    !(version = get_str(&cx, t, "tailoring", "version", true)) ||
	    get_text(&cx, t, "tailoring", "title", &title, true) == -1 ||
	    !(eb = get_str(&cx, ex, "extends", "baseline", true)) ||
	    !(ev = get_str(&cx, ex, "extends", "version", true)))
		goto out;
	if (strcmp(eb, b->id) != 0) {
		errmsg_set(e, "%s: extends.baseline: '%s', but the baseline is '%s'", what, eb, b->id);
		goto out;
	}
	if (strcmp(ev, b->version) != 0) {
		errmsg_set(e, "%s: extends.version: '%s', but the baseline is version '%s'", what, ev,
			   b->version);
		goto out;
	}
	profile = get_str(&cx, doc, "", "profile", false);
	if (!profile && jv_get(doc, "profile"))
		goto out;
	if (profile && !baseline_profile(b, profile)) {
		errmsg_set(e, "%s: profile: no profile '%s' in the baseline", what, profile);
		goto out;
	}
	if (tailor_params(&cx, b, jv_get(doc, "params")) == -1 ||
	    tailor_severity(&cx, b, jv_get(doc, "severity")) == -1)
		goto out;
	if (jv_get(doc, "controls") &&
	    load_controls(&cx, b, jv_get(doc, "controls"), "controls", id) == -1)
		goto out;
	b->tailoring_path = xstrdup(path);
	memcpy(b->tailoring_sha256, sha, sizeof(sha));
	b->tailoring_id = xstrdup(id);
	b->tailoring_version = xstrdup(version);
	b->tailoring_profile = profile ? xstrdup(profile) : NULL;
	rc = 0;
out:
	text_release(&title);
	free(what);
	return rc;
}

void
baseline_release(struct baseline *b)
{
	size_t i;

	if (!b)
		return;
	for (i = 0; i < b->ncontrols; i++)
		control_release(&b->controls[i]);
	free(b->controls);
	for (i = 0; i < b->nprofiles; i++) {
		free(b->profiles[i].id);
		free(b->profiles[i].inherits);
		text_release(&b->profiles[i].title);
	}
	free(b->profiles);
	for (i = 0; i < b->ntables; i++)
		free(b->table_names[i]);
	free(b->table_names);
	free(b->tables);
	text_release(&b->title);
	free(b->path);
	free(b->id);
	free(b->version);
	free(b->tailoring_path);
	free(b->tailoring_id);
	free(b->tailoring_version);
	free(b->tailoring_profile);
	jv_free(b->doc);
	jv_free(b->tailoring_doc);
	memset(b, 0, sizeof(*b));
}

const struct control *
baseline_find(const struct baseline *b, const char *id)
{
	size_t i;

	for (i = 0; i < b->ncontrols; i++)
		if (b->controls[i].id && strcmp(b->controls[i].id, id) == 0)
			return &b->controls[i];
	return NULL;
}

const struct profile *
baseline_profile(const struct baseline *b, const char *id)
{
	size_t i;

	for (i = 0; i < b->nprofiles; i++)
		if (b->profiles[i].id && strcmp(b->profiles[i].id, id) == 0)
			return &b->profiles[i];
	return NULL;
}

bool
baseline_in_profile(const struct baseline *b, const struct control *c, const char *profile)
{
	const struct profile *p = baseline_profile(b, profile);
	size_t hops;

	for (hops = 0; p && hops <= b->nprofiles; hops++) {
		if (strcmp(p->id, c->profile) == 0)
			return true;
		p = p->inherits ? baseline_profile(b, p->inherits) : NULL;
	}
	return false;
}
