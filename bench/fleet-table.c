/*
 * fleet-table: the control table of bench/fleet, generated at build time.
 *
 *	fleet-table BASELINE >fleet_table.h
 *
 * Loads the baseline with the library (the same code the checks run) and
 * writes a C header with what bench/fleet needs to write runs like a check's:
 * per control its id, version, severity, on_error state, the families whose
 * check evaluates it (family and also_in), the profiles that hold it, the
 * title, the expected text (rule_describe, as eval.c writes it), and three
 * synthetic "observed" texts (passing, failing, not applicable) made from the
 * rule's facts and values. Every string is stored JSON-encoded, so that the
 * generator copies bytes and links nothing but libc and libcrypto.
 *
 * The observed texts are synthetic: a value that satisfies (or breaks) each
 * leaf of the rule, in the shape rule_eval() writes ("fact=value", "fact
 * includes X (of 1)"). A number fact that is an age ("..._hours",
 * "..._minutes", "..._age_days", "..._days_left", ...) is a template that bench/fleet fills in
 * per run (hourly) or per day, as real ages change: "\001h0,48\002" stands for
 * a value from 0 to 48 that changes every run, "\001d..." every day.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "json.h"
#include "report.h"
#include "rule.h"
#include "util.h"
#include "banned.h"

/* The checks, in the order bench/fleet's --checks N takes them. */
static const char *const families[] = { "host", "ssh", "tls", "web", "snmp", "mail" };

/* What one fact shows: a text, or a number range (vary: 0 fixed, 'h' per run, 'd' per day). */
struct fact {
	const char *name;
	bool numeric;
	double lo, hi;		/* passing range (numeric) */
	char *pass, *fail;	/* texts (not numeric), or the failing one only */
	double fail_lo, fail_hi;
	bool fail_set;
	char vary;
};

struct facts_acc {
	struct fact v[64];
	size_t n;
	bool culprit_set;
	size_t culprit;		/* the fact a failure shows */
};

static char
vary_kind(const char *name)
{
	size_t n = strlen(name);

	if ((n > 6 && strcmp(name + n - 6, "_hours") == 0) ||
	    (n > 8 && strcmp(name + n - 8, "_minutes") == 0))
		return 'h';
	if (strstr(name, "_days") &&
	    (strstr(name, "age") || strstr(name, "since") || strstr(name, "left") ||
	     strstr(name, "pending") || strstr(name, "support") || strstr(name, "last") ||
	     strstr(name, "uptime")))
		return 'd';
	return 0;
}

/* A leaf's value: "value", a parameter of the control, or a table (versions). */
static const struct jv *
leaf_value(const struct control *c, const struct jv *leaf)
{
	const struct jv *v = jv_get(leaf, "value"), *p = jv_get(leaf, "param");
	size_t i;

	if (v)
		return v;
	if (p && p->type == JV_STRING)
		for (i = 0; i < c->nparams; i++)
			if (strcmp(c->params[i].name, p->s) == 0)
				return c->params[i].value;
	return NULL;
}

static void
scalar_text(const struct jv *v, struct sbuf *sb)
{
	switch (v ? v->type : JV_NULL) {
	case JV_BOOL: sbuf_addstr(sb, v->b ? "true" : "false"); break;
	case JV_INT: sbuf_addf(sb, "%lld", v->i); break;
	case JV_DOUBLE: sbuf_addf(sb, "%g", v->d); break;
	case JV_STRING: sbuf_addstr(sb, v->s); break;
	case JV_ARRAY: scalar_text(v->n ? &v->items[0] : NULL, sb); break;
	default: sbuf_addstr(sb, "?"); break;
	}
}

/* A shell pattern as an item that matches it: "gss-*-sha1-*" -> "gss-sha1". */
static char *
pattern_item(const struct jv *v)
{
	struct sbuf sb;
	const char *p;

	sbuf_init(&sb, 4096);
	if (v && v->type == JV_ARRAY)
		v = v->n ? &v->items[0] : NULL;
	if (v && v->type == JV_STRING) {
		for (p = v->s; *p; p++)
			if (*p != '*' && *p != '?')
				sbuf_addch(&sb, *p);
		while (sb.len && (sb.buf[sb.len - 1] == '-' || sb.buf[sb.len - 1] == '.'))
			sb.buf[--sb.len] = '\0';
	}
	if (sb.len == 0)
		sbuf_addstr(&sb, "other");
	return sbuf_detach(&sb);
}

static bool
has_star(const struct jv *v)
{
	size_t i;

	if (v && v->type == JV_STRING)
		return strcmp(v->s, "*") == 0;
	if (v && v->type == JV_ARRAY)
		for (i = 0; i < v->n; i++)
			if (has_star(&v->items[i]))
				return true;
	return false;
}

static struct fact *
fact_get(struct facts_acc *a, const char *name, bool *fresh)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (strcmp(a->v[i].name, name) == 0) {
			*fresh = false;
			return &a->v[i];
		}
	if (a->n == NELEM(a->v)) {
		fprintf(stderr, "fleet-table: more than %zu facts in one control\n", NELEM(a->v));
		exit(1);
	}
	memset(&a->v[a->n], 0, sizeof(a->v[a->n]));
	a->v[a->n].name = name;
	a->v[a->n].lo = -INFINITY;
	a->v[a->n].hi = INFINITY;
	*fresh = true;
	return &a->v[a->n++];
}

/* One leaf: narrows a number's passing range, or sets a fact's texts (first leaf wins). */
static void
leaf(const struct control *c, const struct jv *r, struct facts_acc *a, bool in_rule)
{
	const struct jv *op = jv_get(r, "op"), *fv = jv_get(r, "fact"), *v = leaf_value(c, r);
	struct sbuf pass, fail;
	struct fact *f;
	bool fresh, num = false;
	double n = 0, flo = 0, fhi = 0;
	const char *o;

	if (!op || !fv || op->type != JV_STRING || fv->type != JV_STRING)
		return;
	o = op->s;
	f = fact_get(a, fv->s, &fresh);
	if (in_rule && !a->culprit_set) {
		a->culprit = (size_t)(f - a->v);
		a->culprit_set = true;
	}
	if (v && (v->type == JV_INT || v->type == JV_DOUBLE))
		n = v->d, num = true;
	if (strcmp(o, "range") == 0 && v && v->type == JV_STRING) {
		char *end;

		n = strtod(v->s, &end);
		num = end != v->s && strcmp(end, ":") == 0;
		o = "ge";
	}
	if (num && (strcmp(o, "le") == 0 || strcmp(o, "lt") == 0 || strcmp(o, "ge") == 0 ||
		    strcmp(o, "gt") == 0 || strcmp(o, "eq") == 0)) {
		if (!fresh && !f->numeric)
			return;
		f->numeric = true;
		if (strcmp(o, "le") == 0) {
			f->hi = fmin(f->hi, n);
			flo = n + 1, fhi = 2 * n + 1;
		} else if (strcmp(o, "lt") == 0) {
			f->hi = fmin(f->hi, n - 1);
			flo = n, fhi = 2 * n;
		} else if (strcmp(o, "ge") == 0) {
			f->lo = fmax(f->lo, n);
			flo = n > 30 ? n - 30 : n - 1, fhi = n - 1;
		} else if (strcmp(o, "gt") == 0) {
			f->lo = fmax(f->lo, n + 1);
			flo = n > 30 ? n - 29 : n, fhi = n;
		} else {
			f->lo = f->hi = n;
			flo = fhi = n + 1;
		}
		if (!f->fail_set && in_rule) {
			f->fail_lo = flo;
			f->fail_hi = fhi;
			f->fail_set = true;
		}
		return;
	}
	if (!fresh)
		return;
	sbuf_init(&pass, 4096);
	sbuf_init(&fail, 4096);
	if (strcmp(o, "eq") == 0 && v && v->type == JV_BOOL) {
		sbuf_addstr(&pass, v->b ? "true" : "false");
		sbuf_addstr(&fail, v->b ? "false" : "true");
	} else if (strcmp(o, "ne") == 0 && v && v->type == JV_BOOL) {
		sbuf_addstr(&pass, v->b ? "false" : "true");
		sbuf_addstr(&fail, v->b ? "true" : "false");
	} else if (strcmp(o, "eq") == 0 || strcmp(o, "in") == 0 || strcmp(o, "contains") == 0) {
		scalar_text(v, &pass);
		sbuf_addstr(&fail, strcmp(o, "contains") == 0 ? "(none)" : "other");
	} else if (strcmp(o, "ne") == 0 || strcmp(o, "not_in") == 0) {
		sbuf_addstr(&pass, "other");
		scalar_text(v, &fail);
	} else if (strcmp(o, "any_of") == 0) {
		char *item = pattern_item(v);

		sbuf_addstr(&pass, item);
		sbuf_addstr(&fail, "(none)");
		free(item);
	} else if (strcmp(o, "none_of") == 0) {
		char *item = pattern_item(v);

		sbuf_addstr(&pass, has_star(v) ? "(none)" : "accepted-1, accepted-2");
		sbuf_addf(&fail, "\003includes %s (of 1)", item);	/* \003: no '=' */
		free(item);
	} else if (strcmp(o, "subset") == 0) {
		char *item = pattern_item(v);

		sbuf_addstr(&pass, item);
		sbuf_addstr(&fail, "\003includes other (of 2)");
		free(item);
	} else if (strcmp(o, "version_ge") == 0) {
		sbuf_addstr(&pass, "9.9");
		sbuf_addstr(&fail, "0.1");
	} else if (strcmp(o, "version_lt") == 0) {
		sbuf_addstr(&pass, "0.1");
		sbuf_addstr(&fail, "9.9");
	} else if (strcmp(o, "present") == 0) {
		sbuf_addstr(&pass, "true");
		sbuf_addstr(&fail, "false");
	} else {	/* regex, ranges of other shapes */
		sbuf_addstr(&pass, "matching");
		sbuf_addstr(&fail, "other");
	}
	f->pass = sbuf_detach(&pass);
	f->fail = sbuf_detach(&fail);
}

static void
walk(const struct control *c, const struct jv *r, struct facts_acc *a, bool in_rule)
{
	const struct jv *subs = r ? jv_get(r, "rules") : NULL;
	size_t i;

	if (!r || r->type != JV_OBJECT)
		return;
	if (subs && subs->type == JV_ARRAY) {
		for (i = 0; i < subs->n; i++)
			walk(c, &subs->items[i], a, in_rule);
		return;
	}
	leaf(c, r, a, in_rule);
}

static void
number(struct sbuf *sb, char vary, double lo, double hi)
{
	if (vary && hi > lo)
		sbuf_addf(sb, "\001%c%.0f,%.0f\002", vary, lo, hi);
	else
		sbuf_addf(sb, "%.0f", lo);
}

/* The passing range made finite: a single value, or an age that moves. */
static void
pass_range(const struct fact *f, double *lo, double *hi)
{
	*lo = f->lo;
	*hi = f->hi;
	if (isinf(*lo) && isinf(*hi))
		*lo = *hi = 1;
	else if (isinf(*lo))
		*lo = *hi < 0 ? *hi - 10 : 0;
	else if (isinf(*hi))
		*hi = *lo + (*lo > 364 ? *lo : 364);
	if (!f->vary) {	/* a fixed fact: one plausible value inside the range */
		if (isinf(f->lo) && *hi >= 1000)
			*hi = floor(*hi / 1000);
		*lo = isinf(f->lo) ? *hi : *lo;
		*hi = *lo;
	}
}

/* "fact=value; fact=value" with fact number `bad` failing (or none: SIZE_MAX). */
static void
observed(const struct facts_acc *a, size_t bad, struct sbuf *sb)
{
	double lo, hi;
	size_t i;

	for (i = 0; i < a->n; i++) {
		const struct fact *f = &a->v[i];
		const char *t = i == bad ? f->fail : f->pass;

		if (i)
			sbuf_addstr(sb, "; ");
		sbuf_addstr(sb, f->name);
		if (f->numeric) {
			sbuf_addch(sb, '=');
			if (i == bad) {
				lo = f->fail_set ? f->fail_lo : f->lo - 1;
				hi = f->fail_set ? f->fail_hi : f->lo - 1;
				number(sb, f->vary, lo, f->vary ? hi : lo);
			} else {
				pass_range(f, &lo, &hi);
				number(sb, f->vary, lo, hi);
			}
		} else if (t && t[0] == '\003') {
			sbuf_addf(sb, " %s", t + 1);
		} else {
			sbuf_addf(sb, "=%s", t ? t : "");
		}
	}
}

static void
facts_of(const struct control *c, const struct jv *ctl, const char *key, struct facts_acc *a,
	 bool in_rule)
{
	walk(c, jv_get(ctl, key), a, in_rule);
}

static void
facts_init(struct facts_acc *a)
{
	memset(a, 0, sizeof(*a));
}

static void
facts_release(struct facts_acc *a)
{
	size_t i;

	for (i = 0; i < a->n; i++) {
		free(a->v[i].pass);
		free(a->v[i].fail);
	}
}

/* JSON string contents (no quotes), leaving the template bytes \001 and \002 as they are. */
static void
json_inner(const char *s, struct sbuf *out)
{
	struct sbuf q;

	sbuf_init(&q, 64 * 1024);
	for (; *s; s++) {
		if (*s == '\001' || *s == '\002') {
			sbuf_addch(out, *s);
			continue;
		}
		sbuf_reset(&q);
		{
			char one[2] = { *s, '\0' };

			/* multi-byte UTF-8 goes through whole: copy it */
			if ((unsigned char)*s >= 0x80) {
				sbuf_addch(out, *s);
				continue;
			}
			json_put_str(&q, one);
		}
		sbuf_add(out, q.buf + 1, q.len - 2);
	}
	sbuf_release(&q);
}

/* A C string literal of s. */
static void
c_string(FILE *fp, const char *s, size_t len)
{
	size_t i;

	fputc('"', fp);
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '"' || ch == '\\')
			fprintf(fp, "\\%c", ch);
		else if (ch < 0x20 || ch >= 0x7f || ch == '?')
			fprintf(fp, "\\%03o", ch);
		else
			fputc(ch, fp);
	}
	fputc('"', fp);
}

static void
c_json(FILE *fp, const char *s)
{
	struct sbuf sb;

	sbuf_init(&sb, 1024 * 1024);
	json_put_str(&sb, s);
	c_string(fp, sb.buf, sb.len);
	sbuf_release(&sb);
}

static void
c_template(FILE *fp, const char *raw)
{
	struct sbuf sb;

	sbuf_init(&sb, 1024 * 1024);
	json_inner(raw, &sb);
	c_string(fp, sbuf_str(&sb), sb.len);
	sbuf_release(&sb);
}

static const struct jv *
control_doc(const struct baseline *b, const char *id)
{
	const struct jv *cs = jv_get(b->doc, "controls"), *idv;
	size_t i;

	for (i = 0; cs && i < cs->n; i++) {
		idv = jv_get(&cs->items[i], "id");
		if (idv && idv->type == JV_STRING && strcmp(idv->s, id) == 0)
			return &cs->items[i];
	}
	return NULL;
}

/* The title as the summary line shows it: sanitised, ';' as ','. */
static char *
summary_title(const char *t)
{
	struct sbuf sb;
	char *p;

	sbuf_init(&sb, 64 * 1024);
	report_sanitize(&sb, t);
	for (p = sb.buf; p && *p; p++)
		if (*p == ';')
			*p = ',';
	return sbuf_detach(&sb);
}

int
main(int argc, char **argv)
{
	struct baseline b;
	struct errmsg e;
	size_t i, k, p;
	FILE *fp = stdout;

	if (argc != 2) {
		fprintf(stderr, "usage: fleet-table BASELINE >fleet_table.h\n");
		return 2;
	}
	if (baseline_load(&b, argv[1], &e) == -1) {
		fprintf(stderr, "fleet-table: %s\n", e.msg);
		return 1;
	}
	fprintf(fp, "/* Generated by bench/fleet-table from %s; do not edit. */\n", argv[1]);
	fprintf(fp, "/* FT_BASELINE_ID, _VERSION and _PATH are JSON strings, with their quotes */\n");
	fprintf(fp, "#define FT_BASELINE_ID ");
	c_json(fp, b.id);
	fprintf(fp, "\n#define FT_BASELINE_VERSION ");
	c_json(fp, b.version);
	fprintf(fp, "\n#define FT_BASELINE_SHA256 \"%s\"\n", b.sha256);
	{
		/* where a package installs it: the path the checks' runs name */
		const char *base = strrchr(argv[1], '/');
		char *path = xasprintf("%s/baselines/%s", CB_DATADIR, base ? base + 1 : argv[1]);

		fprintf(fp, "#define FT_BASELINE_PATH ");
		c_json(fp, path);
		fprintf(fp, "\n");
		free(path);
	}
	fprintf(fp, "#define FT_NFAMILIES %zu\n#define FT_NPROFILES %zu\n", NELEM(families),
		b.nprofiles);
	fprintf(fp, "static const char *const ft_families[FT_NFAMILIES] = {");
	for (k = 0; k < NELEM(families); k++)
		fprintf(fp, "%s\"%s\"", k ? ", " : " ", families[k]);
	fprintf(fp, " };\nstatic const char *const ft_profiles[FT_NPROFILES] = {");
	for (p = 0; p < b.nprofiles; p++)
		fprintf(fp, "%s\"%s\"", p ? ", " : " ", b.profiles[p].id);
	fprintf(fp, " };\n\n"
		"struct ft_control {\n"
		"\tconst char *id;\n"
		"\tint version;\n"
		"\tint critical;\t\t/* severity critical (else warning) */\n"
		"\tint graded;\t\t/* has a warning_rule: a failure may be WARNING only */\n"
		"\tint on_error;\t\t/* the state of ERROR: 1, 2 or 3 */\n"
		"\tint applies_if;\t\t/* may be NA */\n"
		"\tunsigned families;\t/* bit k: ft_families[k]'s check evaluates it */\n"
		"\tunsigned profiles;\t/* bit p: in ft_profiles[p] */\n"
		"\tconst char *summary_title;\t/* as the summary line shows it */\n"
		"\tconst char *fact;\t/* the fact an ERROR names */\n"
		"\tconst char *title;\t/* JSON, with quotes */\n"
		"\tconst char *expected;\t/* JSON, with quotes */\n"
		"\tconst char *pass, *fail, *na;\t/* JSON contents, no quotes; \\001...\\002 templates */\n"
		"};\n\n"
		"#define FT_NCONTROLS %zu\n"
		"static const struct ft_control ft_controls[FT_NCONTROLS] = {\n", b.ncontrols);
	for (i = 0; i < b.ncontrols; i++) {
		const struct control *c = &b.controls[i];
		const struct jv *doc = control_doc(&b, c->id);
		struct facts_acc rule, na;
		struct sbuf exp, obs;
		unsigned fam = 0, prof = 0;
		char *st;

		if (!doc) {
			fprintf(stderr, "fleet-table: %s not found in the document\n", c->id);
			return 1;
		}
		for (k = 0; k < NELEM(families); k++)
			if (control_in_family(c, families[k]))
				fam |= 1u << k;
		if (!fam) {
			fprintf(stderr, "fleet-table: %s: unknown family '%s'\n", c->id, c->family);
			return 1;
		}
		for (p = 0; p < b.nprofiles; p++)
			if (baseline_in_profile(&b, c, b.profiles[p].id))
				prof |= 1u << p;
		facts_init(&rule);
		facts_init(&na);
		facts_of(c, doc, "rule", &rule, true);
		facts_of(c, doc, "warning_rule", &rule, false);
		facts_of(c, doc, "applies_if", &na, true);
		for (k = 0; k < rule.n; k++)
			rule.v[k].vary = rule.v[k].numeric ? vary_kind(rule.v[k].name) : 0;

		sbuf_init(&exp, 1024 * 1024);
		rule_describe(c->rule, &c->env, &exp);
		if (c->warning_rule) {
			sbuf_addstr(&exp, "; recommended: ");
			rule_describe(c->warning_rule, &c->env, &exp);
		}
		st = summary_title(c->title.en);
		fprintf(fp, "\t{ \"%s\", %d, %d, %d, %d, %d, 0x%xu, 0x%xu,\n\t  ", c->id,
			c->control_version, c->severity == SEV_CRITICAL, c->warning_rule != NULL,
			c->on_error, c->applies_if != NULL, fam, prof);
		c_string(fp, st, strlen(st));
		fprintf(fp, ", ");
		c_string(fp, rule.n ? rule.v[rule.culprit].name : "", rule.n ? strlen(rule.v[rule.culprit].name) : 0);
		fprintf(fp, ",\n\t  ");
		c_json(fp, c->title.en);
		fprintf(fp, ",\n\t  ");
		c_json(fp, sbuf_str(&exp));
		sbuf_init(&obs, 1024 * 1024);
		observed(&rule, SIZE_MAX, &obs);
		fprintf(fp, ",\n\t  ");
		c_template(fp, sbuf_str(&obs));
		sbuf_reset(&obs);
		observed(&rule, rule.culprit, &obs);
		fprintf(fp, ",\n\t  ");
		c_template(fp, sbuf_str(&obs));
		sbuf_reset(&obs);
		observed(&na, na.n ? na.culprit : SIZE_MAX, &obs);
		fprintf(fp, ",\n\t  ");
		c_template(fp, sbuf_str(&obs));
		fprintf(fp, " },\n");
		sbuf_release(&obs);
		sbuf_release(&exp);
		free(st);
		facts_release(&rule);
		facts_release(&na);
	}
	fprintf(fp, "};\n");
	baseline_release(&b);
	return fflush(fp) == 0 && !ferror(fp) ? 0 : 1;
}
