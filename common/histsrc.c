/*
 * Runs read back from plugin output, perfdata, Icinga 2 events and perfdata
 * files (histsrc.h). Pure parsing: everything here is untrusted text, every
 * size is capped, nothing is printed.
 *
 * The plugin output is the text of docs/output.md 2.1-2.6, written by
 * common/report.c; the fixed words are the ones report.c prints, in English
 * and Danish. Titles may hold ": " ("SSH: no empty passwords, ..."), so a
 * control line is split at the first ": " after which the text has the shape
 * its tag calls for ("observed ", "not evaluated: ", "was ", a fact=value).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "histsrc.h"
#include "history.h"
#include "json.h"
#include "util.h"
#include "banned.h"

#define MAX_TIME 253402300799LL	/* 9999-12-31T23:59:59Z */
#define CUT_MARK "\xe2\x80\xa6"	/* "…", report.c's cut mark */

static const char *const state_names[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };

/* The fixed words of report.c, per language. */
struct words {
	const char *observed;	/* "observed " */
	const char *expected;	/* ", expected " */
	const char *not_eval;	/* "not evaluated: " */
	const char *na;		/* "not applicable" */
	const char *was;	/* "was " */
	const char *until;	/* ", waived until " */
	const char *by;		/* " by " */
	const char *expired;	/* " [waiver expired " */
	const char *more;	/* " more (see --output-format json)" */
	const char *of;		/* " of " in "3 of 8 controls" */
	const char *none;	/* the first line of a run with no controls */
};

static const struct words lang[2] = {
	{ "observed ", ", expected ", "not evaluated: ", "not applicable", "was ", ", waived until ",
	  " by ", " [waiver expired ", " more (see --output-format json)", " of ",
	  "no controls of this check in the selected profile" },
	{ "observeret ", ", forventet ", "ikke vurderet: ", "ikke relevant", "var ", ", undtaget til ",
	  " af ", " [undtagelse udl\xc3\xb8" "b ", " flere (se --output-format json)", " af ",
	  "ingen kontroller for dette tjek i den valgte profil" },
};

void
histsrc_run_init(struct histsrc_run *r)
{
	memset(r, 0, sizeof(*r));
}

static void
control_release(struct histsrc_control *c)
{
	free(c->id);
	free(c->title);
	free(c->observed);
	free(c->expected);
	free(c->reason);
	free(c->waiver_json);
}

void
histsrc_run_release(struct histsrc_run *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->ncontrols; i++)
		control_release(&r->controls[i]);
	free(r->controls);
	free(r->host);
	free(r->icinga_host);
	free(r->service);
	free(r->check_command);
	free(r->family);
	free(r->target);
	free(r->org);
	free(r->error);
	free(r->baseline_id);
	free(r->baseline_version);
	free(r->baseline_sha256);
	free(r->profile);
	free(r->tailoring_id);
	free(r->tailoring_version);
	histsrc_run_init(r);
}

/* ---- small helpers ------------------------------------------------------------------ */

static bool
starts(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);

	return n >= k && memcmp(s, prefix, k) == 0;
}

static bool
ends(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);

	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* The first occurrence of needle in s[0..n), or NULL. */
static const char *
find(const char *s, size_t n, const char *needle)
{
	return memmem(s, n, needle, strlen(needle));
}

/* The last occurrence of needle in s[0..n), or NULL. */
static const char *
find_last(const char *s, size_t n, const char *needle)
{
	const char *p, *last = NULL;
	size_t k = strlen(needle);

	while (n >= k && (p = memmem(s, n, needle, k))) {
		last = p;
		n -= (size_t)(p - s) + 1;
		s = p + 1;
	}
	return last;
}

static void
set_str(char **dst, const char *s, size_t n)
{
	free(*dst);
	*dst = xstrndup(s, n);
}

static int
state_index(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < NELEM(state_names); i++)
		if (strlen(state_names[i]) == n && memcmp(s, state_names[i], n) == 0)
			return (int)i;
	return -1;
}

static const char *
result_const(const char *s, size_t n)
{
	static const char *const results[] = { "PASS", "FAIL", "ERROR", "WAIVED", "NA" };
	size_t i;

	for (i = 0; i < NELEM(results); i++)
		if (strlen(results[i]) == n && memcmp(s, results[i], n) == 0)
			return results[i];
	return NULL;
}

/* A family name as the store takes it: 1..32 of [a-z0-9_]. */
static bool
family_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > 32)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

/* A control id: 1..HISTSRC_MAX_ID bytes, no blank or control character. */
static bool
id_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > HISTSRC_MAX_ID)
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f || s[i] == '=' || s[i] == '\'')
			return false;
	return true;
}

/* Strict decimal integer of s[0..n) within [min, max]. */
static int
parse_ll(const char *s, size_t n, long long min, long long max, long long *out)
{
	long long v = 0;
	bool neg = false;
	size_t i = 0;

	if (n && s[0] == '-') {
		neg = true;
		i = 1;
	}
	if (i == n || n - i > 18)
		return -1;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	v = neg ? -v : v;
	if (v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* ---- controls ---------------------------------------------------------------------- */

/*
 * The controls are few (tens) in practice and at most HISTSRC_MAX_CONTROLS;
 * a linear search from a hint (text and perfdata list them in the same order)
 * is O(1) per lookup for our own outputs.
 */
struct lookup {
	size_t hint;
};

static struct histsrc_control *
control_find(struct histsrc_run *r, const char *id, size_t n, struct lookup *lk)
{
	size_t i, k;

	for (k = 0; k < r->ncontrols; k++) {
		i = (lk->hint + k) % r->ncontrols;
		if (strlen(r->controls[i].id) == n && memcmp(r->controls[i].id, id, n) == 0) {
			lk->hint = i + 1;
			return &r->controls[i];
		}
	}
	return NULL;
}

static struct histsrc_control *
control_add(struct histsrc_run *r, const char *id, size_t n)
{
	struct histsrc_control *c;

	r->controls = xgrow(r->controls, r->ncontrols + 1, &r->alloc, sizeof(*r->controls));
	c = &r->controls[r->ncontrols++];
	memset(c, 0, sizeof(*c));
	c->id = xstrndup(id, n);
	return c;
}

/* ---- plugin output ------------------------------------------------------------------ */

/* "N of T" / "N af T" at the start of s: the counts of a run that evaluated. */
static bool
counts_start(const char *s, size_t n)
{
	size_t i = 0, j;
	int l;

	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	if (i == 0)
		return false;
	for (l = 0; l < 2; l++) {
		const char *of = lang[l].of;

		if (starts(s + i, n - i, of)) {
			j = i + strlen(of);
			return j < n && s[j] >= '0' && s[j] <= '9';
		}
	}
	return false;
}

static int
first_line(struct histsrc_run *r, const char *s, size_t n, struct errmsg *e)
{
	const char *p, *dash, *end = s + n, *colon;
	int st;

	if ((p = memchr(s, '|', n)))
		end = p;
	s += strlen("BASELINE ");
	dash = find(s, (size_t)(end - s), " - ");
	if (!dash || (st = state_index(s, (size_t)(dash - s))) < 0) {
		errmsg_set(e, "output line 1: expected 'BASELINE <STATE> - '");
		return -1;
	}
	r->state = state_names[st];
	s = dash + 3;
	/* "<family> <target>: <counts or reason>"; without a target only the reason */
	for (p = s; p < end && *p != ' '; p++)
		;
	colon = p < end ? find(p, (size_t)(end - p), ": ") : NULL;
	if (p < end && family_ok(s, (size_t)(p - s)) && colon && colon > p + 1) {
		set_str(&r->family, s, (size_t)(p - s));
		set_str(&r->target, p + 1, (size_t)(colon - p - 1));
		s = colon + 2;
	}
	if (!counts_start(s, (size_t)(end - s)) && !starts(s, (size_t)(end - s), lang[0].none) &&
	    !starts(s, (size_t)(end - s), lang[1].none))
		set_str(&r->error, s, (size_t)(end - s));
	return 0;
}

/* The " [waiver expired YYYY-MM-DD]" a control line may end in, stripped. */
static size_t
strip_expired(const char *s, size_t n)
{
	const char *p;
	int l;

	for (l = 0; l < 2; l++)
		if (n && s[n - 1] == ']' && (p = find_last(s, n, lang[l].expired)) &&
		    (size_t)(s + n - p) == strlen(lang[l].expired) + 11)
			return (size_t)(p - s);
	return n;
}

/* Does the text after a title's ": " have the shape the tag calls for? */
enum tagkind { TAG_OK, TAG_NA, TAG_WAIVED, TAG_BAD };

static bool
fact_start(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char ch = s[i];

		if (ch == '=' && i > 0)
			return true;
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		      ch == '_' || ch == '.' || ch == '-'))
			return false;
	}
	return false;
}

/* Which language's word starts s, or -1. */
static int
word_at(const char *s, size_t n, size_t off)
{
	int l;

	for (l = 0; l < 2; l++)
		if (starts(s, n, *(const char *const *)((const char *)&lang[l] + off)))
			return l;
	return -1;
}

#define W(field) offsetof(struct words, field)

static bool
shape_ok(enum tagkind k, const char *s, size_t n)
{
	int l;

	switch (k) {
	case TAG_OK:
		return fact_start(s, n);
	case TAG_NA:
		if ((l = word_at(s, n, W(na))) < 0)
			return false;
		n -= strlen(lang[l].na);
		return n == 0 || starts(s + strlen(lang[l].na), n, " (");
	case TAG_WAIVED:
		return word_at(s, n, W(was)) >= 0;
	case TAG_BAD:
		return word_at(s, n, W(observed)) >= 0 || word_at(s, n, W(not_eval)) >= 0;
	}
	return false;
}

/*
 * The waiver of a [WAIVED] line: "was RESULT STATE, waived until EXPIRES by
 * APPROVED_BY (TICKET): JUSTIFICATION" (the ticket is optional). A line cut
 * at 1024 bytes keeps what it has.
 */
static int
parse_waived(struct histsrc_control *c, const char *s, size_t n, size_t lineno, struct errmsg *e)
{
	const char *p, *end = s + n, *sp, *comma, *by, *colon, *close, *open = NULL;
	const char *ticket = NULL, *appr, *just = NULL;
	size_t appr_n, ticket_n = 0;
	struct sbuf j;
	int l, st;

	l = word_at(s, n, W(was));
	s += strlen(lang[l].was);
	sp = memchr(s, ' ', (size_t)(end - s));
	comma = sp ? find(sp, (size_t)(end - sp), lang[l].until) : NULL;
	if (!sp || !comma || !(c->hidden_result = result_const(s, (size_t)(sp - s))) ||
	    (st = state_index(sp + 1, (size_t)(comma - sp - 1))) < 0) {
		errmsg_set(e, "output line %zu: control %s: [WAIVED] without 'was RESULT STATE%s'",
			   lineno, c->id, lang[l].until);
		return -1;
	}
	c->hidden_state = state_names[st];
	p = comma + strlen(lang[l].until);
	by = find(p, (size_t)(end - p), lang[l].by);
	if (!by) {
		if (!c->line_cut) {
			errmsg_set(e, "output line %zu: control %s: [WAIVED] without '%s'", lineno,
				   c->id, lang[l].by + 1);
			return -1;
		}
		by = end;
	}
	sbuf_init(&j, 4096);
	sbuf_addch(&j, '{');
	json_put_key(&j, "control");
	json_put_str(&j, c->id);
	/* approved_by runs to the first ": ", or to " (TICKET): " when that comes first */
	appr = by < end ? by + strlen(lang[l].by) : end;
	colon = find(appr, (size_t)(end - appr), ": ");
	close = find(appr, (size_t)(end - appr), "): ");
	if (colon && close && close + 1 == colon) {
		for (p = appr; (p = find(p, (size_t)(close - p), " (")); p += 2)
			open = p;
	}
	if (open) {
		appr_n = (size_t)(open - appr);
		ticket = open + 2;
		ticket_n = (size_t)(close - ticket);
	} else {
		appr_n = colon ? (size_t)(colon - appr) : (size_t)(end - appr);
	}
	if (colon)
		just = colon + 2;
	sbuf_addch(&j, ',');
	json_put_key(&j, "justification");
	if (just) {
		char *t = xstrndup(just, (size_t)(end - just));

		json_put_str(&j, t);
		free(t);
	} else {
		sbuf_addstr(&j, "null");
	}
	sbuf_addch(&j, ',');
	json_put_key(&j, "approved_by");
	{
		char *t = xstrndup(appr, appr_n);

		json_put_str(&j, t);
		free(t);
	}
	sbuf_addch(&j, ',');
	json_put_key(&j, "ticket");
	if (ticket) {
		char *t = xstrndup(ticket, ticket_n);

		json_put_str(&j, t);
		free(t);
	} else {
		sbuf_addstr(&j, "null");
	}
	sbuf_addch(&j, ',');
	json_put_key(&j, "expires");
	{
		char *t = xstrndup(comma + strlen(lang[l].until),
				   (size_t)(by - comma - strlen(lang[l].until)));

		json_put_str(&j, t);
		free(t);
	}
	sbuf_addch(&j, '}');
	c->waiver_json = sbuf_detach(&j);
	return 0;
}

static int
control_line(struct histsrc_run *r, const char *s, size_t n, size_t lineno, struct lookup *lk,
	     struct errmsg *e)
{
	static const struct {
		const char *tag;
		enum tagkind kind;
		int state;
	} tags[] = {
		{ "[OK] ", TAG_OK, 0 },
		{ "[N/A] ", TAG_NA, 0 },
		{ "[WAIVED] ", TAG_WAIVED, 0 },
		{ "[WARNING] ", TAG_BAD, 1 },
		{ "[CRITICAL] ", TAG_BAD, 2 },
		{ "[UNKNOWN] ", TAG_BAD, 3 },
	};
	struct histsrc_control *c;
	const char *end = s + n, *id, *p, *split = NULL, *body;
	size_t t, bn;
	bool cut;
	int l;

	for (t = 0; t < NELEM(tags); t++)
		if (starts(s, n, tags[t].tag))
			break;
	if (t == NELEM(tags))
		return 0;	/* a note that starts with '[' */
	id = s + strlen(tags[t].tag);
	for (p = id; p < end && *p != ' '; p++)
		;
	if (p == end || !id_ok(id, (size_t)(p - id))) {
		errmsg_set(e, "output line %zu: %sline without a valid control id", lineno, tags[t].tag);
		return -1;
	}
	if (control_find(r, id, (size_t)(p - id), lk)) {
		errmsg_set(e, "output line %zu: control %.*s listed twice", lineno, (int)(p - id), id);
		return -1;
	}
	if (r->ncontrols >= HISTSRC_MAX_CONTROLS) {
		errmsg_set(e, "output line %zu: more than %u controls", lineno, HISTSRC_MAX_CONTROLS);
		return -1;
	}
	cut = ends(s, n, CUT_MARK);
	if (!cut)
		n = strip_expired(s, n), end = s + n;
	/* the title ends at the first ": " after which the text has the tag's shape */
	for (body = p + 1; (body = find(body, (size_t)(end - body), ": ")); body += 2)
		if (shape_ok(tags[t].kind, body + 2, (size_t)(end - body - 2))) {
			split = body;
			break;
		}
	if (!split && tags[t].kind == TAG_OK)
		split = find(p + 1, (size_t)(end - p - 1), ": ");
	if (!split) {
		if (!cut) {
			errmsg_set(e, "output line %zu: control %.*s: %sline of an unknown shape", lineno,
				   (int)(p - id), id, tags[t].tag);
			return -1;
		}
		split = end;	/* cut inside the title */
	}
	c = control_add(r, id, (size_t)(p - id));
	c->from_text = true;
	c->line_cut = cut;
	c->title = xstrndup(p + 1, (size_t)(split - p - 1));
	body = split < end ? split + 2 : end;
	bn = (size_t)(end - body);
	c->state = state_names[tags[t].state];
	switch (tags[t].kind) {
	case TAG_OK:
		c->result = "PASS";
		c->observed = xstrndup(body, bn);
		break;
	case TAG_NA:
		c->result = "NA";
		if (bn && (l = word_at(body, bn, W(na))) >= 0 && bn > strlen(lang[l].na) + 2) {
			const char *o = body + strlen(lang[l].na) + 2;
			size_t on = (size_t)(end - o);

			if (on && o[on - 1] == ')')
				on--;
			c->observed = xstrndup(o, on);
		}
		break;
	case TAG_WAIVED:
		c->result = "WAIVED";
		if (split < end)
			return parse_waived(c, body, bn, lineno, e);
		break;
	case TAG_BAD:
		if (bn && (l = word_at(body, bn, W(not_eval))) >= 0) {
			c->result = "ERROR";
			body += strlen(lang[l].not_eval);
			c->reason = xstrndup(body, (size_t)(end - body));
		} else if (bn && (l = word_at(body, bn, W(observed))) >= 0) {
			const char *x;

			if (tags[t].state == 3) {
				errmsg_set(e, "output line %zu: control %s: [UNKNOWN] with an observed "
					   "value: a failure is WARNING or CRITICAL", lineno, c->id);
				return -1;
			}
			c->result = "FAIL";
			body += strlen(lang[l].observed);
			bn = (size_t)(end - body);
			if ((x = find_last(body, bn, lang[l].expected))) {
				c->observed = xstrndup(body, (size_t)(x - body));
				x += strlen(lang[l].expected);
				c->expected = xstrndup(x, (size_t)(end - x));
			} else {
				c->observed = xstrndup(body, bn);
			}
		} else {
			/* cut inside the title: the tag alone cannot say FAIL from ERROR */
			c->result = tags[t].state == 3 ? "ERROR" : "FAIL";
		}
		break;
	}
	return 0;
}

/* "baseline ID VERSION sha256 HEX profile P" and "tailoring ID VERSION sha256 HEX". */
static void
identity_line(struct histsrc_run *r, const char *s, size_t n)
{
	const char *w[8];
	size_t wl[8], k = 0;
	const char *p = s, *end = s + n, *sp;

	while (p < end && k < NELEM(w)) {
		sp = memchr(p, ' ', (size_t)(end - p));
		w[k] = p;
		wl[k] = sp ? (size_t)(sp - p) : (size_t)(end - p);
		if (wl[k] == 0 || wl[k] > 255)
			return;
		k++;
		p = sp ? sp + 1 : end;
	}
	if (p < end)
		return;
	if (k == 7 && starts(w[0], wl[0], "baseline") && wl[0] == 8 && wl[3] == 6 &&
	    memcmp(w[3], "sha256", 6) == 0 && wl[5] == 7 && memcmp(w[5], "profile", 7) == 0) {
		set_str(&r->baseline_id, w[1], wl[1]);
		set_str(&r->baseline_version, w[2], wl[2]);
		set_str(&r->baseline_sha256, w[4], wl[4]);
		set_str(&r->profile, w[6], wl[6]);
	} else if (k == 5 && wl[0] == 9 && memcmp(w[0], "tailoring", 9) == 0 && wl[3] == 6 &&
		   memcmp(w[3], "sha256", 6) == 0) {
		set_str(&r->tailoring_id, w[1], wl[1]);
		set_str(&r->tailoring_version, w[2], wl[2]);
	}
}

/* "… N more (see --output-format json)" */
static bool
more_line(struct histsrc_run *r, const char *s, size_t n)
{
	const char *p = s + strlen(CUT_MARK " "), *q;
	long long v;
	int l;

	if (!starts(s, n, CUT_MARK " "))
		return false;
	for (q = p; q < s + n && *q >= '0' && *q <= '9'; q++)
		;
	for (l = 0; l < 2; l++)
		if ((size_t)(s + n - q) == strlen(lang[l].more) &&
		    memcmp(q, lang[l].more, strlen(lang[l].more)) == 0 &&
		    parse_ll(p, (size_t)(q - p), 1, HISTSRC_MAX_CONTROLS * 10LL, &v) == 0) {
			r->cut = true;
			r->cut_more = (size_t)v;
			return true;
		}
	return false;
}

int
histsrc_output(struct histsrc_run *r, const char *text, size_t len, struct errmsg *e)
{
	const char *p = text, *end = text + len, *nl;
	struct lookup lk = { 0 };
	size_t lineno = 0, n;

	r->ours = false;
	if (len > HISTSRC_MAX_OUTPUT) {
		errmsg_set(e, "output: larger than %u bytes", HISTSRC_MAX_OUTPUT);
		return -1;
	}
	if (!starts(text, len, "BASELINE "))
		return 0;
	if (memchr(text, '\0', len)) {
		errmsg_set(e, "output: contains a NUL byte");
		return -1;
	}
	r->ours = true;
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (n && p[n - 1] == '\r')
			n--;
		lineno++;
		if (lineno == 1) {
			if (first_line(r, p, n, e) == -1)
				return -1;
		} else if (n && *p == '[') {
			if (control_line(r, p, n, lineno, &lk, e) == -1)
				return -1;
		} else if (!more_line(r, p, n)) {
			identity_line(r, p, n);
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}

/* ---- perfdata ----------------------------------------------------------------------- */

static const struct {
	int code;
	const char *result, *state;
} codes[] = {
	{ 0, "PASS", "OK" },	 { 1, "FAIL", "WARNING" }, { 2, "FAIL", "CRITICAL" },
	{ 3, "ERROR", "UNKNOWN" }, { -1, "WAIVED", "OK" }, { -2, "NA", "OK" },
};

/* Does the text's control agree with the code? ERROR's state is its on_error. */
static bool
agrees(const struct histsrc_control *c, size_t k)
{
	if (!c->result || strcmp(c->result, codes[k].result) != 0)
		return false;
	return strcmp(c->result, "FAIL") != 0 || strcmp(c->state, codes[k].state) == 0;
}

static int
perf_token(struct histsrc_run *r, const char *label, size_t ln, const char *val, size_t vn,
	   struct lookup *lk, size_t idx, struct errmsg *e)
{
	static const char *const count_labels[] = { "controls_passed", "controls_failed",
		"controls_critical", "controls_warning", "controls_error", "controls_waived",
		"controls_na" };
	long long *count_fields[] = { &r->counts.passed, &r->counts.failed, &r->counts.critical,
		&r->counts.warning, &r->counts.error, &r->counts.waived, &r->counts.na };
	struct histsrc_control *c;
	const char *semi = memchr(val, ';', vn);
	size_t i, k, v1 = semi ? (size_t)(semi - val) : vn;
	long long v;

	if (ln == 10 && memcmp(label, "compliance", 10) == 0) {
		if (v1 < 2 || val[v1 - 1] != '%' || parse_ll(val, v1 - 1, 0, 100, &v) == -1) {
			errmsg_set(e, "perfdata item %zu: compliance '%.*s' is not 0%%..100%%", idx,
				   (int)(v1 > 32 ? 32 : v1), val);
			return -1;
		}
		r->has_compliance = true;
		r->compliance = v;
		return 0;
	}
	for (i = 0; i < NELEM(count_labels); i++)
		if (strlen(count_labels[i]) == ln && memcmp(label, count_labels[i], ln) == 0) {
			if (parse_ll(val, v1, 0, HISTSRC_MAX_CONTROLS, count_fields[i]) == -1) {
				errmsg_set(e, "perfdata item %zu: %s '%.*s' is not a count", idx,
					   count_labels[i], (int)(v1 > 32 ? 32 : v1), val);
				return -1;
			}
			r->counts.have = true;
			return 0;
		}
	/* a control's code: an integer -2..3 without unit; any other value is not ours */
	if (parse_ll(val, v1, -2, 3, &v) == -1 || !id_ok(label, ln))
		return 0;
	for (k = 0; k < NELEM(codes) && codes[k].code != v; k++)
		;
	if ((c = control_find(r, label, ln, lk))) {
		if (c->from_perfdata) {
			errmsg_set(e, "perfdata item %zu: control %.*s listed twice", idx, (int)ln, label);
			return -1;
		}
		if (!agrees(c, k)) {
			r->mismatch++;
			free(c->observed);
			free(c->expected);
			free(c->reason);
			free(c->waiver_json);
			c->observed = c->expected = c->reason = c->waiver_json = NULL;
			c->hidden_result = c->hidden_state = NULL;
			c->result = codes[k].result;
			c->state = codes[k].state;
		}
	} else {
		if (r->ncontrols >= HISTSRC_MAX_CONTROLS) {
			errmsg_set(e, "perfdata item %zu: more than %u controls", idx,
				   HISTSRC_MAX_CONTROLS);
			return -1;
		}
		c = control_add(r, label, ln);
		c->result = codes[k].result;
		c->state = codes[k].state;
	}
	c->from_perfdata = true;
	return 0;
}

/* One token "label=value..." (the label possibly quoted). */
static int
perf_one(struct histsrc_run *r, const char *s, size_t n, struct lookup *lk, size_t idx,
	 struct sbuf *label, struct errmsg *e)
{
	const char *p = s, *end = s + n, *eq;

	sbuf_reset(label);
	if (n && *p == '\'') {
		for (p++;; p++) {
			if (p >= end) {
				errmsg_set(e, "perfdata item %zu: unterminated quote", idx);
				return -1;
			}
			if (*p == '\'') {
				if (p + 1 < end && p[1] == '\'') {
					sbuf_addch(label, '\'');
					p++;
					continue;
				}
				break;
			}
			sbuf_addch(label, *p);
		}
		p++;
		if (p >= end || *p != '=') {
			errmsg_set(e, "perfdata item %zu: no '=' after the quoted label", idx);
			return -1;
		}
		eq = p;
	} else {
		eq = memchr(s, '=', n);
		if (!eq || eq == s) {
			errmsg_set(e, "perfdata item %zu: '%.*s' is not label=value", idx,
				   (int)(n > 40 ? 40 : n), s);
			return -1;
		}
		sbuf_add(label, s, (size_t)(eq - s));
	}
	if (label->truncated || !label->len) {
		errmsg_set(e, "perfdata item %zu: label empty or too long", idx);
		return -1;
	}
	return perf_token(r, label->buf, label->len, eq + 1, (size_t)(end - eq - 1), lk, idx, e);
}

static void
perf_done(struct histsrc_run *r)
{
	long long total;

	if (!r->counts.have)
		return;
	total = r->counts.passed + r->counts.failed + r->counts.error + r->counts.waived +
		r->counts.na;
	if ((long long)r->ncontrols < total)
		r->cut = true;
}

int
histsrc_perfdata(struct histsrc_run *r, const char *perf, size_t len, struct errmsg *e)
{
	const char *p = perf, *end = perf + len, *q;
	struct lookup lk = { 0 };
	struct sbuf label;
	size_t idx = 0;
	int rc = 0;

	if (len > HISTSRC_MAX_PERFDATA) {
		errmsg_set(e, "perfdata: larger than %u bytes", HISTSRC_MAX_PERFDATA);
		return -1;
	}
	if (memchr(perf, '\0', len)) {
		errmsg_set(e, "perfdata: contains a NUL byte");
		return -1;
	}
	sbuf_init(&label, 1024);
	while (p < end && rc == 0) {
		while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
			p++;
		if (p == end)
			break;
		q = p;
		if (*q == '\'') {	/* a quoted label may hold blanks */
			for (q++; q < end; q++)
				if (*q == '\'') {
					if (q + 1 < end && q[1] == '\'')
						q++;
					else
						break;
				}
		}
		while (q < end && *q != ' ' && *q != '\t' && *q != '\n' && *q != '\r')
			q++;
		rc = perf_one(r, p, (size_t)(q - p), &lk, ++idx, &label, e);
		p = q;
	}
	sbuf_release(&label);
	perf_done(r);
	return rc;
}

int
histsrc_perfdata_tokens(struct histsrc_run *r, const char *const *tok, size_t n, struct errmsg *e)
{
	struct lookup lk = { 0 };
	struct sbuf label;
	size_t i, total = 0;
	int rc = 0;

	sbuf_init(&label, 1024);
	for (i = 0; i < n && rc == 0; i++) {
		size_t tn = strlen(tok[i]);

		total += tn;
		if (total > HISTSRC_MAX_PERFDATA) {
			errmsg_set(e, "perfdata: larger than %u bytes", HISTSRC_MAX_PERFDATA);
			rc = -1;
			break;
		}
		while (tn && (tok[i][tn - 1] == ' ' || tok[i][tn - 1] == '\t'))
			tn--;
		rc = perf_one(r, tok[i], tn, &lk, i + 1, &label, e);
	}
	sbuf_release(&label);
	perf_done(r);
	return rc;
}

/* ---- Icinga 2 ----------------------------------------------------------------------- */

static const char *
jstr(const struct jv *o, const char *key)
{
	const struct jv *v = jv_get(o, key);

	return v && v->type == JV_STRING ? v->s : NULL;
}

static bool
jnum(const struct jv *o, const char *key, double *out)
{
	const struct jv *v = jv_get(o, key);

	if (!v || (v->type != JV_INT && v->type != JV_DOUBLE))
		return false;
	*out = v->d;
	return true;
}

/* The value of option `name` in argv (--name VALUE, --name=VALUE, or -X VALUE / -XVALUE). */
static const char *
argv_opt(const struct jv *cmd, const char *lng, const char *shrt)
{
	size_t i, ln = strlen(lng);
	const char *a, *val = NULL;

	for (i = 0; i + 1 <= cmd->n; i++) {
		if (cmd->items[i].type != JV_STRING)
			continue;
		a = cmd->items[i].s;
		if (strcmp(a, "--") == 0)
			break;
		if (strcmp(a, lng) == 0 || (shrt && strcmp(a, shrt) == 0)) {
			if (i + 1 < cmd->n && cmd->items[i + 1].type == JV_STRING)
				val = cmd->items[i + 1].s;
			i++;
		} else if (strncmp(a, lng, ln) == 0 && a[ln] == '=') {
			val = a + ln + 1;
		} else if (shrt && strncmp(a, shrt, 2) == 0 && a[2] && a[1] != '-') {
			val = a + 2;
		}
	}
	return val && *val ? val : NULL;	/* the last one wins, as getopt */
}

/* "check_baseline_ssh" (a path or a command name) -> "ssh". */
static void
family_from_command(struct histsrc_run *r, const char *cmd)
{
	const char *b = strrchr(cmd, '/'), *bang;
	size_t n;

	b = b ? b + 1 : cmd;
	if (strncmp(b, "check_", 6) == 0)
		b += 6;
	if (strncmp(b, "baseline_", 9) != 0)
		return;
	b += 9;
	bang = strchr(b, '!');
	n = bang ? (size_t)(bang - b) : strlen(b);
	if (family_ok(b, n))
		set_str(&r->family, b, n);
}

static int
perf_from_jv(struct histsrc_run *r, const struct jv *pd, struct errmsg *e)
{
	const char **tok;
	char **owned;
	size_t i;
	int rc;

	if (!pd || pd->type == JV_NULL)
		return 0;
	if (pd->type == JV_STRING)
		return histsrc_perfdata(r, pd->s, strlen(pd->s), e);
	if (pd->type != JV_ARRAY) {
		errmsg_set(e, "performance_data is a %s", jv_type_name(pd->type));
		return -1;
	}
	tok = xcalloc(pd->n ? pd->n : 1, sizeof(*tok));
	owned = xcalloc(pd->n ? pd->n : 1, sizeof(*owned));
	for (i = 0; i < pd->n; i++) {
		const struct jv *it = &pd->items[i];
		double v;

		if (it->type == JV_STRING) {
			tok[i] = it->s;
		} else if (it->type == JV_OBJECT && jstr(it, "label") && jnum(it, "value", &v) &&
			   v > -1e15 && v < 1e15) {
			/* a PerfdataValue object (a result given to the API already parsed) */
			const char *u = jstr(it, "unit"), *lb;
			struct sbuf q;

			if (v != (double)(long long)v)
				continue;	/* not a code nor a count */
			sbuf_init(&q, 4096);
			sbuf_addch(&q, '\'');
			for (lb = jstr(it, "label"); *lb; lb++) {
				if (*lb == '\'')
					sbuf_addch(&q, '\'');
				sbuf_addch(&q, *lb);
			}
			sbuf_addf(&q, "'=%lld%s", (long long)v, u && strcmp(u, "%") == 0 ? "%" : "");
			owned[i] = sbuf_detach(&q);
			tok[i] = owned[i];
			continue;
		} else {
			tok[i] = "";
		}
	}
	/* tokens left NULL (a non-integer PerfdataValue) are skipped */
	{
		size_t k = 0;

		for (i = 0; i < pd->n; i++)
			if (tok[i] && *tok[i])
				tok[k++] = tok[i];
		rc = histsrc_perfdata_tokens(r, tok, k, e);
	}
	for (i = 0; i < pd->n; i++)
		free(owned[i]);
	free(owned);
	free(tok);
	return rc;
}

static void
make_key(struct histsrc_run *r, const char *host, const char *service, double start, double end)
{
	struct sbuf k;

	sbuf_init(&k, 4 * 1024 * 1024);
	sbuf_addstr(&k, host);
	sbuf_addch(&k, '\0');
	sbuf_addstr(&k, service ? service : "");
	sbuf_addch(&k, '\0');
	sbuf_addf(&k, "%.6f", start);
	sbuf_addch(&k, '\0');
	sbuf_addf(&k, "%.6f", end);
	digest_sha256_hex(k.buf, k.len, r->key);
	sbuf_release(&k);
}

/* One check_result object of host/service; shared by the event and the object query. */
static int
from_check_result(struct histsrc_run *r, const struct jv *cr, const char *host, const char *service,
		  const char *check_command, struct errmsg *e)
{
	const struct jv *cmd, *pd;
	const char *out, *v;
	double start, end, ex;

	r->ours = false;
	if (!cr || cr->type != JV_OBJECT) {
		errmsg_set(e, "check_result is not an object");
		return -1;
	}
	if (!(out = jstr(cr, "output")))
		return 0;
	if (histsrc_output(r, out, strlen(out), e) == -1 || !r->ours)
		return r->ours ? -1 : 0;
	if (!jnum(cr, "execution_start", &start) || !jnum(cr, "execution_end", &end) ||
	    !(start >= 0 && start <= (double)MAX_TIME) || !(end >= 0 && end <= (double)MAX_TIME)) {
		errmsg_set(e, "check_result without a valid execution_start and execution_end");
		return -1;
	}
	if (jnum(cr, "exit_status", &ex) && ex >= 0 && ex <= 255 && ex == (double)(long long)ex) {
		r->has_exit = true;
		r->exit_code = (long long)ex;
	}
	pd = jv_get(cr, "performance_data");
	if (perf_from_jv(r, pd, e) == -1)
		return -1;
	r->icinga_host = xstrdup(host);
	r->service = service ? xstrdup(service) : NULL;
	if (check_command)
		r->check_command = xstrdup(check_command);
	cmd = jv_get(cr, "command");
	if (cmd && cmd->type == JV_ARRAY) {
		const char *hn = argv_opt(cmd, "--host-name", NULL), *h = argv_opt(cmd, "--host", "-H");

		if ((v = argv_opt(cmd, "--org", NULL)))
			r->org = xstrdup(v);
		r->host = xstrdup(hn ? hn : h ? h : host);
		if (!r->family && cmd->n && cmd->items[0].type == JV_STRING)
			family_from_command(r, cmd->items[0].s);
	} else {
		r->host = xstrdup(host);
	}
	if (!r->family && check_command)
		family_from_command(r, check_command);
	if (!r->family) {
		errmsg_set(e, "no check family in the output, the command or check_command");
		return -1;
	}
	r->time = (long long)end;	/* end >= 0: truncation is floor */
	make_key(r, host, service, start, end);
	return 0;
}

int
histsrc_icinga_event(struct histsrc_run *r, const char *json, size_t len, struct errmsg *e)
{
	struct errmsg je;
	struct jv *doc;
	const char *type, *host, *svc;
	int rc;

	r->ours = false;
	if (len > HISTSRC_MAX_EVENT) {
		errmsg_set(e, "event: larger than %u bytes", HISTSRC_MAX_EVENT);
		return -1;
	}
	if (json_parse(json, len, "event", &doc, &je) == -1) {
		errmsg_set(e, "%s", je.msg);
		return -1;
	}
	type = jstr(doc, "type");
	host = jstr(doc, "host");
	svc = jstr(doc, "service");
	if (doc->type != JV_OBJECT || !type || strcmp(type, "CheckResult") != 0) {
		errmsg_set(e, "event: not a CheckResult");
		rc = -1;
	} else if (!host || !*host) {
		errmsg_set(e, "event: no host");
		rc = -1;
	} else {
		rc = from_check_result(r, jv_get(doc, "check_result"), host, svc, NULL, &je);
		if (rc == -1)
			errmsg_set(e, "event of '%.200s%s%.200s': %s", host, svc ? "!" : "",
				   svc ? svc : "", je.msg);
	}
	jv_free(doc);
	return rc;
}

static const struct jv *
results_of(const char *json, size_t len, const char *what, struct jv **doc, struct errmsg *e)
{
	struct errmsg je;
	const struct jv *res;

	*doc = NULL;
	if (len > JSON_MAX_FILE) {
		errmsg_set(e, "%s: larger than %u bytes", what, JSON_MAX_FILE);
		return NULL;
	}
	if (json_parse(json, len, what, doc, &je) == -1) {
		errmsg_set(e, "%s", je.msg);
		return NULL;
	}
	res = jv_get(*doc, "results");
	if (!res || res->type != JV_ARRAY) {
		errmsg_set(e, "%s: no results array", what);
		jv_free(*doc);
		*doc = NULL;
		return NULL;
	}
	return res;
}

int
histsrc_icinga_services(const char *json, size_t len, struct histsrc_run **runs, size_t *n,
			size_t *skipped, size_t *refused, struct errmsg *e)
{
	const struct jv *res, *a, *cr;
	struct histsrc_run *v = NULL;
	struct errmsg re;
	struct jv *doc;
	size_t i, alloc = 0;

	*runs = NULL;
	*n = *skipped = *refused = 0;
	if (!(res = results_of(json, len, "services", &doc, e)))
		return -1;
	for (i = 0; i < res->n; i++) {
		const char *host, *name;

		a = jv_get(&res->items[i], "attrs");
		host = a ? jstr(a, "host_name") : NULL;
		name = a ? jstr(a, "name") : NULL;
		cr = a ? jv_get(a, "last_check_result") : NULL;
		if (!host || !name || !cr || cr->type == JV_NULL) {
			(*skipped)++;
			continue;
		}
		v = xgrow(v, *n + 1, &alloc, sizeof(*v));
		histsrc_run_init(&v[*n]);
		if (from_check_result(&v[*n], cr, host, name, jstr(a, "check_command"), &re) == -1) {
			if (!*refused)
				errmsg_set(e, "service '%.200s!%.200s': %s", host, name, re.msg);
			(*refused)++;
			histsrc_run_release(&v[*n]);
			continue;
		}
		if (!v[*n].ours) {
			(*skipped)++;
			histsrc_run_release(&v[*n]);
			continue;
		}
		(*n)++;
	}
	jv_free(doc);
	*runs = v;
	return 0;
}

static int
cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct history_group_entry *)a)->host,
		      ((const struct history_group_entry *)b)->host);
}

int
histsrc_icinga_hosts(const char *json, size_t len, const char *prefix, struct history_groups *g,
		     struct errmsg *e)
{
	const struct jv *res, *a, *gr;
	struct jv *doc;
	size_t i, k, alloc = 0, pn = prefix ? strlen(prefix) : 0;

	g->v = NULL;
	g->n = 0;
	if (!(res = results_of(json, len, "hosts", &doc, e)))
		return -1;
	for (i = 0; i < res->n; i++) {
		const char *name, *best = NULL;

		a = jv_get(&res->items[i], "attrs");
		name = a ? jstr(a, "name") : NULL;
		gr = a ? jv_get(a, "groups") : NULL;
		if (!name || !*name || !gr || gr->type != JV_ARRAY)
			continue;
		for (k = 0; k < gr->n; k++) {
			const char *s = gr->items[k].type == JV_STRING ? gr->items[k].s : NULL;

			if (!s || !*s || strlen(s) > HISTORY_GROUPS_MAX_FIELD ||
			    (pn && strncmp(s, prefix, pn) != 0))
				continue;
			if (!best || strcmp(s, best) < 0)
				best = s;
		}
		if (!best || strlen(name) > HISTORY_MAX_HOST)
			continue;
		if (g->n >= HISTORY_GROUPS_MAX_ENTRIES) {
			errmsg_set(e, "hosts: more than %u", HISTORY_GROUPS_MAX_ENTRIES);
			jv_free(doc);
			return -1;
		}
		g->v = xgrow(g->v, g->n + 1, &alloc, sizeof(*g->v));
		g->v[g->n].host = xstrdup(name);
		g->v[g->n].group = xstrdup(best);
		g->n++;
	}
	jv_free(doc);
	if (g->n)
		qsort(g->v, g->n, sizeof(*g->v), cmp_entry);
	/* Icinga's host names are unique; a document that repeats one is refused */
	for (i = 1; i < g->n; i++)
		if (strcmp(g->v[i - 1].host, g->v[i].host) == 0) {
			errmsg_set(e, "hosts: host '%.200s' listed twice", g->v[i].host);
			return -1;
		}
	return 0;
}

/* ---- perfdata files ----------------------------------------------------------------- */

/* A service named after its family alone ("ssh", "Baseline SSH" is baseline_ssh). */
static const char *const families[] = { "host", "ssh", "tls", "snmp", "mail", "web" };

enum pkey { P_TIMET, P_HOSTNAME, P_PERF, P_STATE, P_CMD, P_DESC, P_OUTPUT, P_ORG, P_N };

int
histsrc_perfdata_line(struct histsrc_run *r, const char *line, size_t len, struct errmsg *e)
{
	static const char *const names[P_N] = { "TIMET", "HOSTNAME", "SERVICEPERFDATA",
		"SERVICESTATE", "SERVICECHECKCOMMAND", "SERVICEDESC", "SERVICEOUTPUT", "BASELINE_ORG" };
	const char *val[P_N] = { 0 }, *p = line, *end, *tab, *sep;
	size_t vl[P_N] = { 0 }, i, field = 0;
	long long t;
	int st;

	r->ours = false;
	if (len && line[len - 1] == '\n')
		len--;
	if (len > HISTSRC_MAX_OUTPUT + HISTSRC_MAX_PERFDATA) {
		errmsg_set(e, "perfdata line: larger than %u bytes",
			   HISTSRC_MAX_OUTPUT + HISTSRC_MAX_PERFDATA);
		return -1;
	}
	if (memchr(line, '\0', len)) {
		errmsg_set(e, "perfdata line: contains a NUL byte");
		return -1;
	}
	end = line + len;
	while (p < end) {
		tab = memchr(p, '\t', (size_t)(end - p));
		if (!tab)
			tab = end;
		field++;
		sep = find(p, (size_t)(tab - p), "::");
		if (!sep) {
			errmsg_set(e, "perfdata line: field %zu is not KEY::VALUE", field);
			return -1;
		}
		for (i = 0; i < P_N; i++)
			if ((size_t)(sep - p) == strlen(names[i]) && memcmp(p, names[i], strlen(names[i])) == 0) {
				if (val[i]) {
					errmsg_set(e, "perfdata line: %s given twice", names[i]);
					return -1;
				}
				val[i] = sep + 2;
				vl[i] = (size_t)(tab - sep - 2);
			}
		p = tab < end ? tab + 1 : end;
	}
	for (i = 0; i < P_STATE + 1; i++)
		if (!val[i]) {
			errmsg_set(e, "perfdata line: no %s", names[i]);
			return -1;
		}
	/* Icinga's $service.last_check$ has a fraction: the second is its floor */
	for (i = 0; i < vl[P_TIMET] && val[P_TIMET][i] != '.'; i++)
		;
	if (parse_ll(val[P_TIMET], i, 0, MAX_TIME, &t) == -1 ||
	    (i < vl[P_TIMET] && (i + 1 == vl[P_TIMET] ||
				 strspn(val[P_TIMET] + i + 1, "0123456789") < vl[P_TIMET] - i - 1))) {
		errmsg_set(e, "perfdata line: TIMET '%.*s' is not a time", (int)(vl[P_TIMET] > 32 ? 32 :
			   vl[P_TIMET]), val[P_TIMET]);
		return -1;
	}
	if ((st = state_index(val[P_STATE], vl[P_STATE])) < 0 &&
	    (vl[P_STATE] != 1 || val[P_STATE][0] < '0' || val[P_STATE][0] > '3' ||
	     (st = val[P_STATE][0] - '0') < 0)) {
		errmsg_set(e, "perfdata line: SERVICESTATE '%.*s' is not a state",
			   (int)(vl[P_STATE] > 32 ? 32 : vl[P_STATE]), val[P_STATE]);
		return -1;
	}
	if (!vl[P_HOSTNAME] || vl[P_HOSTNAME] > HISTORY_MAX_HOST) {
		errmsg_set(e, "perfdata line: HOSTNAME empty or too long");
		return -1;
	}
	if (val[P_OUTPUT] && starts(val[P_OUTPUT], vl[P_OUTPUT], "BASELINE ")) {
		const char *nl = memchr(val[P_OUTPUT], '\n', vl[P_OUTPUT]);

		/* the first line only: Nagios' $SERVICEOUTPUT$ */
		if (histsrc_output(r, val[P_OUTPUT], nl ? (size_t)(nl - val[P_OUTPUT]) : vl[P_OUTPUT],
				   e) == -1)
			return -1;
		free(r->error);
		r->error = NULL;
		r->ours = false;	/* decided by the perfdata below */
	}
	if (histsrc_perfdata(r, val[P_PERF], vl[P_PERF], e) == -1)
		return -1;
	r->state = state_names[st];
	r->has_exit = true;
	r->exit_code = st;
	r->time = t;
	r->host = xstrndup(val[P_HOSTNAME], vl[P_HOSTNAME]);
	if (val[P_CMD]) {
		r->check_command = xstrndup(val[P_CMD], vl[P_CMD]);
		free(r->family);
		r->family = NULL;
		family_from_command(r, r->check_command);
	}
	if (!r->family && val[P_DESC]) {
		char *d = xstrndup(val[P_DESC], vl[P_DESC]), *q;

		for (q = d; *q; q++)
			if (*q >= 'A' && *q <= 'Z')
				*q = (char)(*q - 'A' + 'a');
			else if (*q == '-' || *q == ' ')
				*q = '_';
		family_from_command(r, d);
		for (i = 0; !r->family && i < NELEM(families); i++)
			if (strcmp(d, families[i]) == 0)
				r->family = xstrdup(d);
		r->service = d;
	}
	if (val[P_ORG] && vl[P_ORG] && !starts(val[P_ORG], vl[P_ORG], "$"))
		r->org = xstrndup(val[P_ORG], vl[P_ORG]);
	/* ours when our perfdata is there: the compliance and the counts */
	if (!r->has_compliance || !r->counts.have)
		return 0;
	if (!r->family) {
		errmsg_set(e, "perfdata line: no check family in SERVICECHECKCOMMAND, SERVICEOUTPUT "
			   "or SERVICEDESC");
		return -1;
	}
	r->ours = true;
	digest_sha256_hex(line, len, r->key);
	return 0;
}

/* ---- to the store --------------------------------------------------------------------- */

struct history_control_in *
histsrc_run_view(const struct histsrc_run *r, struct history_run_in *in)
{
	struct history_control_in *c = xcalloc(r->ncontrols ? r->ncontrols : 1, sizeof(*c));
	size_t i;

	memset(in, 0, sizeof(*in));
	in->host = r->host;
	in->family = r->family;
	in->time = r->time;
	in->target = r->target;
	in->state = r->state;
	in->error = r->error;
	in->org = r->org;
	in->exit_code = r->has_exit ? r->exit_code : r->state ? state_index(r->state,
		strlen(r->state)) : 3;
	in->has_compliance = r->has_compliance;
	in->compliance = r->compliance;
	in->baseline_id = r->baseline_id;
	in->baseline_version = r->baseline_version;
	in->baseline_sha256 = r->baseline_sha256;
	in->profile = r->profile;
	in->tailoring_id = r->tailoring_id;
	in->tailoring_version = r->tailoring_version;
	for (i = 0; i < r->ncontrols; i++) {
		const struct histsrc_control *s = &r->controls[i];

		c[i].id = s->id;
		c[i].result = s->result;
		c[i].state = s->state;
		c[i].title = s->title;
		c[i].observed = s->observed;
		c[i].expected = s->expected;
		c[i].reason = s->reason;
		c[i].hidden_result = s->hidden_result;
		c[i].waiver_json = s->waiver_json;
	}
	in->controls = c;
	in->ncontrols = r->ncontrols;
	return c;
}
