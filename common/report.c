/*
 * The result of one run, and the only writer to stdout (docs/output.md).
 *
 * Nagios format: line 1 is the verdict with counts and the worst finding,
 * then "|" and all perfdata on that same line (Icinga 2 and Naemon both read
 * it there); then one long-output line per control, worst first; then the
 * baseline identity. Everything a peer or a file said is sanitised.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "baseline.h"
#include "json.h"
#include "report.h"
#include "util.h"
#include "waiver.h"
#include "banned.h"

#define FIRST_LINE_MAX 200
#define LINE_MAX_BYTES 1024
#define OUTPUT_FLOOR 512

void
report_init(struct report *r, const char *check, const char *program)
{
	/* first thing in every check: no library may log TLS secrets to a file */
	util_tls_keylog_off();
	memset(r, 0, sizeof(*r));
	r->check = check;
	r->program = program;
	r->lang = "en";
	r->format = OUT_NAGIOS;
	r->max_output = 8000;
}

void
report_release(struct report *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->n; i++) {
		free(r->r[i].observed);
		free(r->r[i].expected);
		free(r->r[i].reason);
	}
	free(r->r);
	for (i = 0; i < r->nnotes; i++)
		free(r->notes[i]);
	free(r->notes);
	free(r->target);
	free(r->host_id);
	free(r->org);
	free(r->fatal);
	free(r->direct_text);
	r->r = NULL;
	r->n = r->alloc = 0;
	r->notes = NULL;
	r->nnotes = 0;
	r->target = r->host_id = r->fatal = r->direct_text = NULL;
}

void
report_fatal(struct report *r, enum state s, const char *fmt, ...)
{
	va_list ap;

	if (r->fatal || r->done)
		return;
	va_start(ap, fmt);
	r->fatal = xvasprintf(fmt, ap);
	va_end(ap);
	r->fatal_state = s;
}

void
report_direct(struct report *r, const char *text)
{
	free(r->direct_text);
	r->direct_text = xstrdup(text);
	r->done = true;
}

void
report_note(struct report *r, const char *fmt, ...)
{
	va_list ap;

	r->notes = xrealloc(r->notes, (r->nnotes + 1) * sizeof(*r->notes));
	va_start(ap, fmt);
	r->notes[r->nnotes++] = xvasprintf(fmt, ap);
	va_end(ap);
}

struct control_result *
report_add(struct report *r, const struct control *c, enum result res, enum state st,
	   char *observed, char *expected, char *reason)
{
	struct control_result *cr;

	r->r = xgrow(r->r, r->n + 1, &r->alloc, sizeof(*r->r));
	cr = &r->r[r->n++];
	memset(cr, 0, sizeof(*cr));
	cr->c = c;
	cr->result = res;
	cr->state = st;
	cr->hidden = res;
	cr->hidden_state = st;
	cr->observed = observed;
	cr->expected = expected;
	cr->reason = reason;
	return cr;
}

const char *
state_name(enum state s)
{
	static const char *const names[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };

	return (unsigned)s < 4 ? names[s] : "UNKNOWN";
}

const char *
result_name(enum result res)
{
	static const char *const names[] = { "PASS", "FAIL", "ERROR", "WAIVED", "NA" };

	return (unsigned)res < 5 ? names[res] : "ERROR";
}

void
report_counts(const struct report *r, struct report_counts *out)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	out->total = r->n;
	for (i = 0; i < r->n; i++) {
		switch (r->r[i].result) {
		case RES_PASS: out->passed++; break;
		case RES_FAIL:
			out->failed++;
			if (r->r[i].state == STATE_CRITICAL)
				out->critical++;
			else
				out->warning++;
			break;
		case RES_ERROR: out->error++; break;
		case RES_WAIVED: out->waived++; break;
		case RES_NA: out->na++; break;
		}
	}
}

/* (passed + waived) / applicable, rounded down; 100 when nothing applies. */
static unsigned
compliance(const struct report_counts *k)
{
	size_t applicable = k->total - k->na;

	if (applicable == 0)
		return 100;
	return (unsigned)((k->passed + k->waived) * 100 / applicable);
}

/* OK < UNKNOWN < WARNING < CRITICAL: "could not evaluate" never rolls up to OK. */
static int
rank(enum state s)
{
	static const int order[] = { 0, 2, 3, 1 };

	return order[s];
}

static enum state
worse(enum state a, enum state b)
{
	return rank(b) > rank(a) ? b : a;
}

enum state
report_state(const struct report *r)
{
	struct report_counts k;
	enum state s = STATE_OK;
	size_t i;

	if (r->fatal)
		return r->fatal_state;
	if (r->n == 0)
		return STATE_UNKNOWN;
	for (i = 0; i < r->n; i++)
		s = worse(s, r->r[i].state);
	report_counts(r, &k);
	if (r->have_crit && range_alert(&r->crit, compliance(&k)))
		s = worse(s, STATE_CRITICAL);
	else if (r->have_warn && range_alert(&r->warn, compliance(&k)))
		s = worse(s, STATE_WARNING);
	return s;
}

/* Sort key: failures by state, then errors, waived, passed, not applicable. */
static int
order_key(const struct control_result *cr)
{
	switch (cr->result) {
	case RES_FAIL: return cr->state == STATE_CRITICAL ? 0 : 1;
	case RES_ERROR: return cr->state == STATE_CRITICAL ? 0 : cr->state == STATE_WARNING ? 1 : 2;
	case RES_WAIVED: return 3;
	case RES_PASS: return 4;
	case RES_NA: return 5;
	}
	return 6;
}

static int
cmp_result(const void *a, const void *b)
{
	const struct control_result *x = a, *y = b;
	int d = order_key(x) - order_key(y);

	return d ? d : strcmp(x->c->id, y->c->id);
}

void
report_sort(struct report *r)
{
	if (r->n > 1)
		qsort(r->r, r->n, sizeof(*r->r), cmp_result);
}

/* Length of a valid UTF-8 sequence at s (max bytes), or 0. */
static size_t
utf8_len(const unsigned char *s, size_t max)
{
	size_t n, i;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n > max)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp < 0xa0))
		return 0;
	return n;
}

void
report_sanitize(struct sbuf *sb, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t left = strlen(s), n;

	while (left) {
		unsigned char c = *p;

		if (c >= 0x80) {
			n = utf8_len(p, left);
			if (n == 0) {
				sbuf_addch(sb, '?');
				n = 1;
			} else {
				sbuf_add(sb, p, n);
			}
			p += n;
			left -= n;
			continue;
		}
		if (c == '|')
			sbuf_addch(sb, '/');
		else if (c == '<')
			sbuf_addch(sb, '(');
		else if (c == '>')
			sbuf_addch(sb, ')');
		else if (c == '&')
			sbuf_addch(sb, '+');
		else if (c < 0x20 || c == 0x7f)
			sbuf_addch(sb, ' ');
		else
			sbuf_addch(sb, (char)c);
		p++;
		left--;
	}
}

/* English or Danish; both formats are checked against the arguments. */
static const char *tr(const struct report *r, const char *en, const char *da)
	__attribute__((format_arg(2), format_arg(3)));

static const char *
tr(const struct report *r, const char *en, const char *da)
{
	return strcmp(r->lang, "da") == 0 ? da : en;
}

static const char *
title(const struct report *r, const struct control_result *cr)
{
	return text_get(&cr->c->title, r->lang);
}

/* Cuts sb to at most max bytes on a UTF-8 boundary, marking the cut with "…". */
static void
cut_utf8(struct sbuf *sb, size_t max)
{
	size_t n;

	if (sb->len <= max)
		return;
	n = max - 3;
	while (n > 0 && ((unsigned char)sb->buf[n] & 0xc0) == 0x80)
		n--;
	sb->len = n;
	sb->buf[n] = '\0';
	sbuf_addstr(sb, "\xe2\x80\xa6");
}

static void
first_line(const struct report *r, const struct report_counts *k, enum state st, struct sbuf *out)
{
	struct sbuf raw;
	const struct control_result *worst = r->n ? &r->r[0] : NULL;
	char *p;

	sbuf_init(&raw, 4096);
	if (r->target)
		sbuf_addf(&raw, "%s %s: ", r->check, r->target);
	if (r->fatal) {
		sbuf_addstr(&raw, r->fatal);
	} else if (r->n == 0) {
		sbuf_addstr(&raw, tr(r, "no controls of this check in the selected profile",
				     "ingen kontroller for dette tjek i den valgte profil"));
	} else if (k->failed) {
		sbuf_addf(&raw, tr(r, "%zu of %zu controls failed (%zu critical, %zu warning)",
				   "%zu af %zu kontroller fejlede (kritiske: %zu, advarsler: %zu)"),
			  k->failed, k->total, k->critical, k->warning);
	} else if (k->error) {
		sbuf_addf(&raw, tr(r, "%zu of %zu controls not evaluated",
				   "%zu af %zu kontroller ikke vurderet"), k->error, k->total);
	} else {
		sbuf_addf(&raw, tr(r, "%zu of %zu controls passed", "%zu af %zu kontroller bestået"),
			  k->passed + k->na, k->total);
	}
	if (!r->fatal && r->n) {
		if (k->failed && k->error)
			sbuf_addf(&raw, tr(r, ", %zu not evaluated", ", %zu ikke vurderet"), k->error);
		if (k->waived)
			sbuf_addf(&raw, tr(r, ", %zu waived", ", %zu undtaget"), k->waived);
		if (k->na && !k->failed && !k->error)
			sbuf_addf(&raw, tr(r, " (%zu not applicable)", " (%zu ikke relevante)"), k->na);
		if (worst && (worst->result == RES_FAIL || worst->result == RES_ERROR))
			sbuf_addf(&raw, ": %s %s", worst->c->id, title(r, worst));
		if (st != STATE_OK && !k->failed && !k->error)
			sbuf_addf(&raw, tr(r, ": compliance %u%% outside the threshold",
					   ": overholdelse %u%% uden for tærsklen"), compliance(k));
	}
	/* Nagios turns ';' into ':' on this line anyway */
	for (p = raw.buf; p && *p; p++)
		if (*p == ';')
			*p = ',';
	sbuf_addf(out, "BASELINE %s - ", state_name(st));
	{
		struct sbuf clean;

		sbuf_init(&clean, 8192);
		report_sanitize(&clean, sbuf_str(&raw));
		cut_utf8(&clean, FIRST_LINE_MAX - out->len);
		sbuf_addstr(out, sbuf_str(&clean));
		sbuf_release(&clean);
	}
	sbuf_release(&raw);
}

/*
 * A control's perfdata value (docs/output.md 2.3): the plugin states for what
 * counts against compliance (0 passed, 1 failed at WARNING, 2 failed at
 * CRITICAL, 3 not evaluated), negative for what does not (-1 waived, -2 not
 * applicable), so the result can be read back from perfdata alone.
 */
static int
perf_code(const struct control_result *cr)
{
	switch (cr->result) {
	case RES_PASS: return 0;
	case RES_FAIL: return cr->state == STATE_CRITICAL ? 2 : 1;
	case RES_ERROR: return 3;
	case RES_WAIVED: return -1;
	case RES_NA: return -2;
	}
	return 3;
}

static void
perfdata(const struct report *r, const struct report_counts *k, struct sbuf *out)
{
	double bound;
	size_t i;

	sbuf_addf(out, "compliance=%u%%;", compliance(k));
	if (r->have_warn && range_perf_bound(&r->warn, &bound) == 0)
		sbuf_addf(out, "%.0f", bound);
	sbuf_addch(out, ';');
	if (r->have_crit && range_perf_bound(&r->crit, &bound) == 0)
		sbuf_addf(out, "%.0f", bound);
	sbuf_addf(out, ";0;100 controls_passed=%zu controls_failed=%zu controls_critical=%zu "
		       "controls_warning=%zu controls_error=%zu controls_waived=%zu controls_na=%zu",
		  k->passed, k->failed, k->critical, k->warning, k->error, k->waived, k->na);
	if (r->perfdata_controls)
		for (i = 0; i < r->n; i++)
			sbuf_addf(out, " %s=%d", r->r[i].c->id, perf_code(&r->r[i]));
}

static const char *
tag(const struct control_result *cr)
{
	switch (cr->result) {
	case RES_PASS: return "[OK]";
	case RES_NA: return "[N/A]";
	case RES_WAIVED: return "[WAIVED]";
	case RES_ERROR: return cr->state == STATE_CRITICAL ? "[CRITICAL]"
			     : cr->state == STATE_WARNING ? "[WARNING]" : "[UNKNOWN]";
	case RES_FAIL: return cr->state == STATE_CRITICAL ? "[CRITICAL]" : "[WARNING]";
	}
	return "[UNKNOWN]";
}

static void
control_line(const struct report *r, const struct control_result *cr, struct sbuf *line)
{
	struct sbuf raw;

	sbuf_init(&raw, 8192);
	sbuf_addf(&raw, "%s %s %s: ", tag(cr), cr->c->id, title(r, cr));
	switch (cr->result) {
	case RES_PASS:
		sbuf_addstr(&raw, cr->observed);
		if (r->verbose)
			sbuf_addf(&raw, tr(r, " (expected %s)", " (forventet %s)"), cr->expected);
		break;
	case RES_NA:
		sbuf_addstr(&raw, tr(r, "not applicable", "ikke relevant"));
		if (cr->observed && *cr->observed)
			sbuf_addf(&raw, " (%s)", cr->observed);
		break;
	case RES_FAIL:
		sbuf_addf(&raw, tr(r, "observed %s, expected %s", "observeret %s, forventet %s"),
			  cr->observed, cr->expected);
		break;
	case RES_ERROR:
		sbuf_addf(&raw, tr(r, "not evaluated: %s", "ikke vurderet: %s"),
			  cr->reason ? cr->reason : "?");
		break;
	case RES_WAIVED:
		sbuf_addf(&raw, tr(r, "was %s %s, waived until %s by %s", "var %s %s, undtaget til %s af %s"),
			  result_name(cr->hidden), state_name(cr->hidden_state), cr->waiver->expires,
			  cr->waiver->approved_by);
		if (cr->waiver->ticket)
			sbuf_addf(&raw, " (%s)", cr->waiver->ticket);
		sbuf_addf(&raw, ": %s", cr->waiver->justification);
		break;
	}
	if (cr->expired_waiver)
		sbuf_addf(&raw, tr(r, " [waiver expired %s]", " [undtagelse udløb %s]"),
			  cr->expired_waiver->expires);
	if (r->verbose && (cr->result == RES_FAIL || cr->result == RES_ERROR))
		sbuf_addf(&raw, tr(r, ". Fix: %s", ". Afhjælpning: %s"),
			  text_get(&cr->c->remediation, r->lang));
	report_sanitize(line, sbuf_str(&raw));
	cut_utf8(line, LINE_MAX_BYTES);
	sbuf_release(&raw);
}

static void
identity_lines(const struct report *r, struct sbuf *out)
{
	const struct baseline *b = r->baseline;

	if (b) {
		sbuf_addf(out, "baseline %s %s sha256 %s profile %s", b->id, b->version, b->sha256,
			  r->profile ? r->profile : "?");
		if (b->tailoring_id)
			sbuf_addf(out, "\ntailoring %s %s sha256 %s", b->tailoring_id,
				  b->tailoring_version, b->tailoring_sha256);
	}
	if (r->waivers)
		sbuf_addf(out, "%swaivers %s sha256 %s", b ? "\n" : "", r->waivers->path,
			  r->waivers->sha256);
}

static int
format_nagios(struct report *r, struct sbuf *sb)
{
	struct report_counts k;
	struct sbuf head, tail, line;
	enum state st;
	size_t i, shown = 0, budget;

	report_sort(r);
	report_counts(r, &k);
	st = report_state(r);
	sbuf_init(&head, 4096);
	first_line(r, &k, st, &head);
	if (!r->fatal && r->n) {
		sbuf_addch(&head, '|');
		perfdata(r, &k, &head);
	}
	sbuf_addstr(sb, sbuf_str(&head));

	/* the tail (identity, notes) is kept; controls fill what is left */
	sbuf_init(&tail, 8192);
	{
		struct sbuf id, clean;

		sbuf_init(&id, 8192);
		identity_lines(r, &id);
		for (i = 0; i < r->nnotes; i++) {
			if (id.len)
				sbuf_addch(&id, '\n');
			sbuf_init(&clean, LINE_MAX_BYTES * 2);
			report_sanitize(&clean, r->notes[i]);
			cut_utf8(&clean, LINE_MAX_BYTES);
			sbuf_addstr(&id, sbuf_str(&clean));
			sbuf_release(&clean);
		}
		/* the identity is ours, notes are sanitised: keep '\n' between them */
		sbuf_addstr(&tail, sbuf_str(&id));
		sbuf_release(&id);
	}
	budget = r->max_output > head.len + tail.len + 80 ? r->max_output - head.len - tail.len - 80
							   : 0;
	sbuf_init(&line, LINE_MAX_BYTES * 2);
	for (i = 0; i < r->n; i++) {
		sbuf_reset(&line);
		control_line(r, &r->r[i], &line);
		if (line.len + 1 > budget)
			break;
		sbuf_addch(sb, '\n');
		sbuf_addstr(sb, sbuf_str(&line));
		budget -= line.len + 1;
		shown++;
	}
	if (shown < r->n)
		sbuf_addf(sb, tr(r, "\n\xe2\x80\xa6 %zu more (see --output-format json)",
				 "\n\xe2\x80\xa6 %zu flere (se --output-format json)"), r->n - shown);
	if (tail.len && tail.len + 1 <= r->max_output - (sb->len < r->max_output ? sb->len : r->max_output)) {
		sbuf_addch(sb, '\n');
		sbuf_addstr(sb, sbuf_str(&tail));
	}
	sbuf_addch(sb, '\n');
	sbuf_release(&line);
	sbuf_release(&tail);
	sbuf_release(&head);
	return (int)st;
}

static void
json_str_or_null(struct sbuf *sb, const char *s)
{
	if (s)
		json_put_str(sb, s);
	else
		sbuf_addstr(sb, "null");
}

static void
json_waiver(struct sbuf *sb, const struct waiver *w)
{
	if (!w) {
		sbuf_addstr(sb, "null");
		return;
	}
	sbuf_addch(sb, '{');
	json_put_key(sb, "control");
	json_put_str(sb, w->control);
	sbuf_addch(sb, ',');
	json_put_key(sb, "host");
	json_put_str(sb, w->host);
	sbuf_addch(sb, ',');
	json_put_key(sb, "justification");
	json_put_str(sb, w->justification);
	sbuf_addch(sb, ',');
	json_put_key(sb, "approved_by");
	json_put_str(sb, w->approved_by);
	sbuf_addch(sb, ',');
	json_put_key(sb, "ticket");
	json_str_or_null(sb, w->ticket);
	sbuf_addch(sb, ',');
	json_put_key(sb, "created");
	json_put_str(sb, w->created);
	sbuf_addch(sb, ',');
	json_put_key(sb, "expires");
	json_put_str(sb, w->expires);
	sbuf_addch(sb, '}');
}

/* A helper so that each member reads as one line below. */
static void
member(struct sbuf *sb, const char *nl, const char *key, bool first)
{
	if (!first)
		sbuf_addch(sb, ',');
	sbuf_addstr(sb, nl);
	json_put_key(sb, key);
}

void
report_to_json(struct report *r, struct sbuf *sb, bool one_line)
{
	const char *nl = one_line ? "" : "\n  ";
	const struct baseline *b = r->baseline;
	struct report_counts k;
	struct sbuf summary;
	char now[32];
	enum state st;
	size_t i;

	report_sort(r);
	report_counts(r, &k);
	st = report_state(r);
	sbuf_init(&summary, 4096);
	first_line(r, &k, st, &summary);
	util_now_rfc3339(now);

	sbuf_addch(sb, '{');
	member(sb, nl, "format_version", true);
	sbuf_addstr(sb, "1");
	member(sb, nl, "program", false);
	json_put_str(sb, r->program);
	member(sb, nl, "plugin_version", false);
	json_put_str(sb, CB_VERSION);
	member(sb, nl, "check", false);
	json_put_str(sb, r->check);
	member(sb, nl, "target", false);
	json_str_or_null(sb, r->target);
	member(sb, nl, "host", false);
	json_str_or_null(sb, r->host_id);
	member(sb, nl, "org", false);
	json_str_or_null(sb, r->org);
	member(sb, nl, "time", false);
	json_put_str(sb, now);
	member(sb, nl, "state", false);
	json_put_str(sb, state_name(st));
	member(sb, nl, "exit_code", false);
	sbuf_addf(sb, "%d", (int)st);
	member(sb, nl, "summary", false);
	json_put_str(sb, sbuf_str(&summary));
	member(sb, nl, "baseline", false);
	if (b) {
		sbuf_addch(sb, '{');
		json_put_key(sb, "id");
		json_put_str(sb, b->id);
		sbuf_addch(sb, ',');
		json_put_key(sb, "version");
		json_put_str(sb, b->version);
		sbuf_addch(sb, ',');
		json_put_key(sb, "sha256");
		json_put_str(sb, b->sha256);
		sbuf_addch(sb, ',');
		json_put_key(sb, "path");
		json_put_str(sb, b->path);
		sbuf_addch(sb, ',');
		json_put_key(sb, "profile");
		json_str_or_null(sb, r->profile);
		sbuf_addch(sb, '}');
	} else {
		sbuf_addstr(sb, "null");
	}
	member(sb, nl, "tailoring", false);
	if (b && b->tailoring_id) {
		sbuf_addch(sb, '{');
		json_put_key(sb, "id");
		json_put_str(sb, b->tailoring_id);
		sbuf_addch(sb, ',');
		json_put_key(sb, "version");
		json_put_str(sb, b->tailoring_version);
		sbuf_addch(sb, ',');
		json_put_key(sb, "sha256");
		json_put_str(sb, b->tailoring_sha256);
		sbuf_addch(sb, ',');
		json_put_key(sb, "path");
		json_put_str(sb, b->tailoring_path);
		sbuf_addch(sb, '}');
	} else {
		sbuf_addstr(sb, "null");
	}
	member(sb, nl, "waivers", false);
	if (r->waivers) {
		sbuf_addch(sb, '{');
		json_put_key(sb, "path");
		json_put_str(sb, r->waivers->path);
		sbuf_addch(sb, ',');
		json_put_key(sb, "sha256");
		json_put_str(sb, r->waivers->sha256);
		sbuf_addch(sb, '}');
	} else {
		sbuf_addstr(sb, "null");
	}
	member(sb, nl, "counts", false);
	sbuf_addf(sb, "{\"total\":%zu,\"passed\":%zu,\"failed\":%zu,\"critical\":%zu,"
		      "\"warning\":%zu,\"error\":%zu,\"waived\":%zu,\"na\":%zu}",
		  k.total, k.passed, k.failed, k.critical, k.warning, k.error, k.waived, k.na);
	member(sb, nl, "compliance", false);
	if (r->fatal)
		sbuf_addstr(sb, "null");
	else
		sbuf_addf(sb, "%u", compliance(&k));
	member(sb, nl, "controls", false);
	sbuf_addch(sb, '[');
	for (i = 0; i < r->n; i++) {
		const struct control_result *cr = &r->r[i];
		bool waived = cr->result == RES_WAIVED;

		sbuf_addstr(sb, i ? "," : "");
		sbuf_addstr(sb, one_line ? "" : "\n    ");
		sbuf_addch(sb, '{');
		json_put_key(sb, "id");
		json_put_str(sb, cr->c->id);
		sbuf_addf(sb, ",\"version\":%d,", cr->c->control_version);
		json_put_key(sb, "result");
		json_put_str(sb, result_name(cr->result));
		sbuf_addch(sb, ',');
		json_put_key(sb, "state");
		json_put_str(sb, state_name(cr->state));
		sbuf_addch(sb, ',');
		json_put_key(sb, "severity");
		json_put_str(sb, severity_name(cr->c->severity));
		sbuf_addch(sb, ',');
		json_put_key(sb, "title");
		json_put_str(sb, title(r, cr));
		sbuf_addch(sb, ',');
		json_put_key(sb, "observed");
		json_str_or_null(sb, cr->observed);
		sbuf_addch(sb, ',');
		json_put_key(sb, "expected");
		json_str_or_null(sb, cr->expected);
		sbuf_addch(sb, ',');
		json_put_key(sb, "reason");
		json_str_or_null(sb, cr->reason);
		sbuf_addch(sb, ',');
		json_put_key(sb, "waiver");
		json_waiver(sb, cr->waiver);
		sbuf_addch(sb, ',');
		json_put_key(sb, "hidden_result");
		json_str_or_null(sb, waived ? result_name(cr->hidden) : NULL);
		sbuf_addch(sb, ',');
		json_put_key(sb, "hidden_state");
		json_str_or_null(sb, waived ? state_name(cr->hidden_state) : NULL);
		sbuf_addch(sb, ',');
		json_put_key(sb, "expired_waiver");
		json_waiver(sb, cr->expired_waiver);
		sbuf_addch(sb, '}');
	}
	sbuf_addstr(sb, one_line || !r->n ? "]" : "\n  ]");
	member(sb, nl, "notes", false);
	sbuf_addch(sb, '[');
	for (i = 0; i < r->nnotes; i++) {
		sbuf_addstr(sb, i ? "," : "");
		json_put_str(sb, r->notes[i]);
	}
	sbuf_addch(sb, ']');
	member(sb, nl, "error", false);
	json_str_or_null(sb, r->fatal);
	sbuf_addstr(sb, one_line ? "}" : "\n}");
	sbuf_release(&summary);
}

int
report_format(struct report *r, struct sbuf *sb)
{
	if (r->done) {
		sbuf_addstr(sb, r->direct_text ? r->direct_text : "");
		return STATE_UNKNOWN;
	}
	if (r->format == OUT_JSON) {
		report_to_json(r, sb, false);
		sbuf_addch(sb, '\n');
		return (int)report_state(r);
	}
	return format_nagios(r, sb);
}

int
report_emit(struct report *r)
{
	struct sbuf sb;
	int rc;

	sbuf_init(&sb, 64u * 1024 * 1024);
	if (r->max_output < OUTPUT_FLOOR)
		r->max_output = OUTPUT_FLOOR;
	rc = report_format(r, &sb);
	fwrite(sbuf_str(&sb), 1, sb.len, stdout);
	fflush(stdout);
	sbuf_release(&sb);
	return rc >= 0 && rc <= 3 ? rc : STATE_UNKNOWN;
}
