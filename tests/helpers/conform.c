/*
 * conform: checks one plugin run against the plugin contract
 * (/work/shared/reference/plugin-contract.md c.3 and c.4, tests/conformance/README.md).
 *
 *	check_baseline_ssh -H 127.0.0.1 ... >out; rc=$?
 *	conform "$rc" [--max BYTES] [--expect-perf LABEL ...] <out
 *
 * Reads the plugin's whole stdout from stdin (at most 1 MiB), splits it the
 * way Icinga 2 (ParseCheckOutput, SplitPerfdata, PerfdataValue::Parse) and
 * Naemon (checks.c parse_output) do, then applies our own rules on top.
 * Prints one TAP line per rule ("ok 12 - icinga2: perfdata parses") with
 * "# ..." diagnostics under a failure. Exits 0 when every rule holds, 1 when
 * one fails, 2 on bad use.
 *
 * The rules are the table rules[] near the end; each is one function.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "banned.h"

#define INPUT_CAP (1024 * 1024)		/* bytes of stdout we look at */
#define DEFAULT_MAX 8192		/* Nagios Core MAX_PLUGIN_OUTPUT_LENGTH */
#define FIRST_TEXT_MAX 200		/* our cap on the first line's text */
#define LABEL_UNIQUE 19			/* RRD data-source name length */
#define BUF_MAX ((size_t)4 * INPUT_CAP)	/* cap for the derived strings */
#define SHOW 100			/* bytes of a sample shown in a diagnostic */
#define MAX_DIAG 5			/* diagnostics per rule before "..." */

/* One perfdata token: value NULL when the token had no '=' (Naemon side). */
struct pd {
	char *label;
	char *value;
};

struct pdlist {
	struct pd *v;
	size_t n, alloc;
};

/* The run under test, and what each consumer makes of it. */
struct run {
	char *out;		/* stdout, NUL-terminated copy; may hold NULs */
	size_t len;
	bool over_cap;		/* more than INPUT_CAP bytes were written */
	unsigned long exit_code;
	size_t max;
	char **expect;
	size_t nexpect;

	/* Icinga 2: output (text) and perfdata after ParseCheckOutput */
	struct sbuf i_text, i_perf;
	struct pdlist i_pd;	/* SplitPerfdata, labels as Icinga stores them */
	/* Naemon: parse_output, then strip() of short output and perfdata */
	struct sbuf n_short, n_long, n_perf;
	bool n_has_long;
	struct pdlist n_pd;	/* the guidelines' tokenisation of n_perf */
};

/* ---- small helpers ---------------------------------------------------- */

static void
pd_push(struct pdlist *l, char *label, char *value)
{
	l->v = xgrow(l->v, l->n + 1, &l->alloc, sizeof(*l->v));
	l->v[l->n].label = label;
	l->v[l->n].value = value;
	l->n++;
}

static void
pd_release(struct pdlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].label);
		free(l->v[i].value);
	}
	free(l->v);
	l->v = NULL;
	l->n = l->alloc = 0;
}

static bool
is_cspace(int c)		/* isspace() in the C locale, without the locale */
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* Removes characters of `set` from both ends of sb. */
static void
sbuf_trim(struct sbuf *sb, const char *set)
{
	size_t b = 0, e = sb->len;

	while (e > 0 && sb->buf[e - 1] && strchr(set, sb->buf[e - 1]))
		e--;
	while (b < e && sb->buf[b] && strchr(set, sb->buf[b]))
		b++;
	if (!sb->buf)
		return;
	memmove(sb->buf, sb->buf + b, e - b);
	sb->len = e - b;
	sb->buf[sb->len] = '\0';
}

/* Appends p[0..n) readable: non-printable bytes as \xNN, cut after `cap` bytes. */
static void
show(struct sbuf *sb, const char *p, size_t n, size_t cap)
{
	size_t i;

	sbuf_addch(sb, '"');
	for (i = 0; i < n && i < cap; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == '\\' || c == '"')
			sbuf_addf(sb, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			sbuf_addf(sb, "\\x%02x", c);
		else
			sbuf_addch(sb, (char)c);
	}
	sbuf_addch(sb, '"');
	if (n > cap)
		sbuf_addf(sb, "... (%zu bytes)", n);
}

static void
show_str(struct sbuf *sb, const char *s)
{
	if (s)
		show(sb, s, strlen(s), SHOW);
	else
		sbuf_addstr(sb, "(none)");
}

/* One diagnostic line in `why`; only the first MAX_DIAG of a rule are kept. */
static void CB_PRINTF(3, 4)
note(struct sbuf *why, size_t *count, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if ((*count)++ == MAX_DIAG) {
		sbuf_addstr(why, "...\n");
		return;
	}
	if (*count > MAX_DIAG)
		return;
	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	sbuf_addstr(why, s);
	sbuf_addch(why, '\n');
	free(s);
}

/* The first line of the raw output: up to the first '\n'. */
static size_t
first_line_len(const struct run *r)
{
	const char *nl = memchr(r->out, '\n', r->len);

	return nl ? (size_t)(nl - r->out) : r->len;
}

/* The text part of the first line: up to the first '|', trailing blanks removed. */
static size_t
first_text_len(const struct run *r)
{
	size_t n = first_line_len(r);
	const char *bar = memchr(r->out, '|', n);

	if (bar)
		n = (size_t)(bar - r->out);
	while (n > 0 && (r->out[n - 1] == ' ' || r->out[n - 1] == '\t'))
		n--;
	return n;
}

/* ---- Icinga 2 --------------------------------------------------------- */

/*
 * pluginchecktask.cpp: the output is Trim()med; pluginutility.cpp
 * ParseCheckOutput: split on any of "\r\n" (no compression, so CRLF gives an
 * empty line); on each line the first '|' starts perfdata only when a '='
 * follows it on that line; text lines are joined with "\n" (none before the
 * first text), perfdata parts with " ", and the perfdata is trimmed.
 */
static void
icinga_parse_check_output(const char *buf, size_t len, struct sbuf *text, struct sbuf *perf)
{
	size_t i, start;

	while (len > 0 && is_cspace((unsigned char)buf[0]))
		buf++, len--;
	while (len > 0 && is_cspace((unsigned char)buf[len - 1]))
		len--;
	for (i = start = 0; i <= len; i++) {
		const char *line = buf + start, *bar;
		size_t n = i - start;

		if (i < len && buf[i] != '\r' && buf[i] != '\n')
			continue;
		start = i + 1;
		if (text->len)
			sbuf_addch(text, '\n');
		bar = memchr(line, '|', n);
		if (bar && memchr(bar + 1, '=', n - (size_t)(bar + 1 - line))) {
			sbuf_add(text, line, (size_t)(bar - line));
			if (perf->len)
				sbuf_addch(perf, ' ');
			sbuf_add(perf, bar + 1, n - (size_t)(bar + 1 - line));
		} else {
			sbuf_add(text, line, n);
		}
	}
	sbuf_trim(perf, " \t\n\v\f\r");
}

/*
 * pluginutility.cpp SplitPerfdata as in 2.13.6: a label is everything up to
 * the next '=' (not trimmed, so a doubled space makes a leading-space label),
 * outer quotes are stripped only when both ends are '\'' and the label is
 * longer than 2, '' is not unescaped; a value runs to the next ' '. A label
 * with "::" sets a check_multi prefix that later labels get.
 */
static void
icinga_split_perfdata(const char *s, size_t len, struct pdlist *out)
{
	size_t begin = 0;
	char *prefix = NULL;

	while (begin < len) {
		const char *eq = memchr(s + begin, '=', len - begin), *sp, *multi = NULL, *q;
		size_t eqp, spq, llen;
		char *label;

		if (!eq)
			break;
		eqp = (size_t)(eq - s);
		label = xstrndup(s + begin, eqp - begin);
		llen = strlen(label);
		if (llen > 2 && label[0] == '\'' && label[llen - 1] == '\'') {
			memmove(label, label + 1, llen - 2);
			label[llen - 2] = '\0';
		}
		for (q = label; (q = strstr(q, "::")); q++)
			multi = q;
		if (multi) {
			free(prefix);
			prefix = NULL;
		}
		sp = memchr(s + eqp, ' ', len - eqp);
		spq = sp ? (size_t)(sp - s) : len;
		if (prefix) {
			char *l = xasprintf("%s::%s", prefix, label);

			free(label);
			label = l;
		}
		pd_push(out, label, xstrndup(s + eqp + 1, spq - eqp - 1));
		if (multi)
			prefix = xstrndup(label, (size_t)(multi - label));
		begin = spq + 1;
	}
	free(prefix);
}

/* Convert::ToDouble (boost::lexical_cast<double>): the whole string or nothing. */
static int
icinga_to_double(const char *s, size_t n, double *out)
{
	char *tmp = xstrndup(s, n), *end;
	size_t i;
	int rc = -1;

	for (i = 0; i < n; i++)
		if (!strchr("+-0123456789.eE", s[i]) || !s[i])
			goto done;
	if (n == 0)
		goto done;
	errno = 0;
	*out = strtod(tmp, &end);
	if (*end == '\0' && end != tmp)
		rc = 0;
done:
	free(tmp);
	return rc;
}

static bool
in_list(const char *s, size_t n, const char *const *list)
{
	for (; *list; list++)
		if (strlen(*list) == n && memcmp(*list, s, n) == 0)
			return true;
	return false;
}

/*
 * Is `unit` one Icinga 2 knows (perfdatavalue.cpp l_CsUoMs, then l_CiUoMs on
 * the lower-cased unit)? An unknown unit is dropped with a debug log only.
 */
static bool
icinga_unit_known(const char *u, size_t n)
{
	static const char *const cs_misc[] = { "", "%", "c", "C", NULL };
	static const char *const ci[] = { "ns", "us", "ms", "s", "m", "h", "d", "ng", "ug", "mg",
		"g", "kg", "t", "ml", "l", "hl", "packets", "lm", "dbm", "f", "k", NULL };
	static const char data_prefix[] = "kKmMgGtTpPeEzZyY";
	static const char energy_prefix[] = "nNuUmkKMgGtTpPeEzZyY";
	char low[16];
	size_t i, k = 0;

	if (in_list(u, n, cs_misc))
		return true;
	/* data: [prefix][i|I](b|B) */
	if (n >= 1 && (u[n - 1] == 'b' || u[n - 1] == 'B')) {
		if (n == 1)
			return true;
		k = n - 1;
		if (k == 2 && (u[1] == 'i' || u[1] == 'I'))
			k = 1;
		if (k == 1 && strchr(data_prefix, u[0]))
			return true;
	}
	/* energy: [prefix](a|o|v|w), [prefix](a|w)(s|m|h) */
	if (n >= 1 && n <= 3) {
		size_t p = 0;

		if (n >= 2 && strchr(energy_prefix, u[0]) && strchr("aAoOvVwW", u[1]))
			p = 1;
		if (strchr("aAoOvVwW", u[p]) && p + 1 == n)
			return true;
		if (strchr("aAwW", u[p]) && p + 2 == n && strchr("sSmMhH", u[p + 1]))
			return true;
	}
	if (n >= sizeof(low))
		return false;
	for (i = 0; i < n; i++)
		low[i] = (char)tolower((unsigned char)u[i]);
	return in_list(low, n, ci);
}

/* What PerfdataValue::Parse does with one stored token. */
struct pdv_result {
	bool rejected;		/* Parse throws: the writers skip the token */
	bool unit_dropped;
	char *unit;
	int ignored;		/* bit i: field i (1..4) ignored as an unsupported range */
	char *why;
};

/*
 * perfdatavalue.cpp PerfdataValue::Parse on "label=value" as SplitPerfdata
 * stores it: the value starts after the last '=' and runs to the next ' ';
 * a ',' rejects it; fields split on ';'; the number is everything up to and
 * including the last digit or '.', the unit the rest; the number must convert
 * and be finite. ParseWarnCritMinMaxToken keeps a field only when it is made
 * of "+-0123456789.eE" (and not "U"), else ignores it; a field of those
 * characters that does not convert throws.
 */
static void
icinga_parse_value(const struct pd *t, struct pdv_result *res)
{
	char *pdv = xasprintf("%s=%s", t->label, t->value);
	const char *eq = strrchr(pdv, '='), *v = eq + 1, *f, *next, *last;
	size_t vlen = strcspn(v, " "), flen, field;
	double d;

	memset(res, 0, sizeof(*res));
	if (memchr(v, ',', vlen)) {
		res->rejected = true;
		res->why = xstrdup("',' in the value: \"Invalid performance data value\"");
		goto out;
	}
	flen = strcspn(v, ";");
	if (flen > vlen)
		flen = vlen;
	last = NULL;
	for (f = v; f < v + flen; f++)
		if (strchr("0123456789.", *f))
			last = f;
	{
		size_t numlen = last ? (size_t)(last + 1 - v) : flen;

		if (icinga_to_double(v, numlen, &d) == -1) {
			res->rejected = true;
			res->why = xasprintf("cannot convert '%.*s' to a floating point number",
					     (int)numlen, v);
			goto out;
		}
		if (!isfinite(d)) {
			res->rejected = true;
			res->why = xstrdup("value outside of any reasonable range");
			goto out;
		}
		res->unit = xstrndup(v + numlen, flen - numlen);
		if (!icinga_unit_known(res->unit, flen - numlen))
			res->unit_dropped = true;
	}
	for (f = v + flen, field = 1; f < v + vlen && *f == ';' && field <= 4; f = next, field++) {
		size_t n;
		bool plain = true;
		size_t i;

		f++;
		n = strcspn(f, "; ");
		if (n > (size_t)(v + vlen - f))
			n = (size_t)(v + vlen - f);
		next = f + n;
		if (n == 0)
			continue;
		for (i = 0; i < n; i++)
			if (!strchr("+-0123456789.eE", f[i]))
				plain = false;
		if (n == 1 && f[0] == 'U')
			plain = false;
		if (!plain) {
			res->ignored |= 1 << field;
			continue;
		}
		if (icinga_to_double(f, n, &d) == -1) {
			res->rejected = true;
			res->why = xasprintf("cannot convert field %zu '%.*s' to a floating point number",
					     field, (int)n, f);
			goto out;
		}
	}
out:
	free(pdv);
}

/* ---- Naemon ----------------------------------------------------------- */

/* utils.c strip(): blanks and line ends off both ends. */
static void
naemon_strip(struct sbuf *sb)
{
	sbuf_trim(sb, " \t\r\n");
}

/*
 * checks.c parse_output on the output as a C string: the first line (after
 * strtok_r skipped leading newlines) up to its first '|' is the short output,
 * the rest of that line perfdata; in the rest of the output the first '|'
 * anywhere ends the long output and every following line is perfdata, each
 * joined with a space unless it starts with one. Then strip() on the short
 * output and the perfdata.
 */
static void
naemon_parse_output(const char *buf, size_t len, struct run *r)
{
	const char *end = buf + strnlen(buf, len), *p = buf, *line, *bar, *rest, *q, *t;

	while (p < end && *p == '\n')
		p++;
	line = p;
	while (p < end && *p != '\n')
		p++;
	bar = memchr(line, '|', (size_t)(p - line));
	if (!bar) {
		sbuf_add(&r->n_short, line, (size_t)(p - line));
	} else {
		sbuf_add(&r->n_short, line, (size_t)(bar - line));
		sbuf_add(&r->n_perf, bar + 1, (size_t)(p - bar - 1));
	}
	rest = p < end ? p + 1 : end;
	if (rest < end) {
		bar = memchr(rest, '|', (size_t)(end - rest));
		if (!bar) {
			sbuf_add(&r->n_long, rest, (size_t)(end - rest));
			r->n_has_long = true;
		} else {
			if (bar != rest) {
				sbuf_add(&r->n_long, rest, (size_t)(bar - rest));
				r->n_has_long = true;
			}
			for (q = bar + 1; q < end;) {
				while (q < end && *q == '\n')
					q++;
				if (q >= end)
					break;
				t = q;
				while (q < end && *q != '\n')
					q++;
				if (*t != ' ')
					sbuf_addch(&r->n_perf, ' ');
				sbuf_add(&r->n_perf, t, (size_t)(q - t));
			}
		}
	}
	naemon_strip(&r->n_short);
	naemon_strip(&r->n_perf);
}

/*
 * The perfdata as the plugin guidelines define it, for Naemon's raw string
 * (Naemon stores it unparsed; graphers read it this way): pairs separated by
 * spaces, 'quoted labels' with '' for a quote, value up to the next space.
 */
static void
guidelines_split_perfdata(const char *s, size_t len, struct pdlist *out)
{
	size_t i = 0;

	while (i < len) {
		struct sbuf label;

		while (i < len && s[i] == ' ')
			i++;
		if (i >= len)
			break;
		sbuf_init(&label, BUF_MAX);
		if (s[i] == '\'') {
			for (i++; i < len; i++) {
				if (s[i] == '\'' && i + 1 < len && s[i + 1] == '\'') {
					sbuf_addch(&label, '\'');
					i++;
				} else if (s[i] == '\'') {
					i++;
					break;
				} else {
					sbuf_addch(&label, s[i]);
				}
			}
		}
		while (i < len && s[i] != '=' && s[i] != ' ')
			sbuf_addch(&label, s[i++]);
		if (i < len && s[i] == '=') {
			size_t v = ++i;

			while (i < len && s[i] != ' ')
				i++;
			pd_push(out, sbuf_detach(&label), xstrndup(s + v, i - v));
		} else {
			pd_push(out, sbuf_detach(&label), NULL);
		}
	}
}

/* ---- our own perfdata reading ---------------------------------------- */

/* Splits a stored value into number and unit the way Icinga does (last digit or '.'). */
static void
split_number(const char *v, size_t *numlen, size_t *unitlen)
{
	size_t flen = strcspn(v, ";"), i, n = flen;
	bool any = false;

	for (i = 0; i < flen; i++)
		if (strchr("0123456789.", v[i])) {
			n = i + 1;
			any = true;
		}
	if (!any)
		n = flen;
	*numlen = n;
	*unitlen = flen - n;
}

/* ^-?[0-9]+(\.[0-9]+)?$ : C locale, no exponent, no sign '+', no bare '.'. */
static bool
plain_number(const char *s, size_t n)
{
	size_t i = 0, digits = 0;

	if (i < n && s[i] == '-')
		i++;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++, digits++;
	if (!digits)
		return false;
	if (i < n && s[i] == '.') {
		i++;
		digits = 0;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++, digits++;
		if (!digits)
			return false;
	}
	return i == n;
}

static const char *
number_defect(const char *s, size_t n)
{
	if (n == 0)
		return "empty";
	if (n == 1 && s[0] == 'U')
		return "'U' (undeterminable)";
	if (memchr(s, ',', n))
		return "decimal comma";
	if (memchr(s, 'e', n) || memchr(s, 'E', n))
		return "exponent";
	if (memchr(s, ':', n) || memchr(s, '@', n) || memchr(s, '~', n))
		return "range";
	return "not a plain number";
}

/* ---- the rules --------------------------------------------------------- */

struct state_word {
	const char *prefix;
	unsigned long code;
};

static const struct state_word state_words[] = {
	{ "BASELINE OK - ", 0 },
	{ "BASELINE WARNING - ", 1 },
	{ "BASELINE CRITICAL - ", 2 },
	{ "BASELINE UNKNOWN - ", 3 },
};

static const struct state_word *
state_prefix(const struct run *r)
{
	size_t i, n = first_line_len(r);

	for (i = 0; i < sizeof(state_words) / sizeof(state_words[0]); i++) {
		size_t pl = strlen(state_words[i].prefix);

		if (n >= pl && memcmp(r->out, state_words[i].prefix, pl) == 0)
			return &state_words[i];
	}
	return NULL;
}

static bool
rule_exit_code(const struct run *r, struct sbuf *why)
{
	size_t c = 0;

	if (r->exit_code <= 3)
		return true;
	note(why, &c, "exit code %lu: Icinga 2 shows UNKNOWN with \"<Terminated with exit code "
		      "%lu>\", Nagios CRITICAL \"out of bounds\"", r->exit_code, r->exit_code);
	return false;
}

static bool
rule_first_line_present(const struct run *r, struct sbuf *why)
{
	size_t i, n = first_line_len(r), c = 0;

	for (i = 0; i < n; i++)
		if (!is_cspace((unsigned char)r->out[i]))
			return true;
	note(why, &c, r->len ? "the first line is empty or blank" : "no output on stdout");
	return false;
}

static bool
rule_prefix(const struct run *r, struct sbuf *why)
{
	struct sbuf s;
	size_t c = 0;

	if (state_prefix(r))
		return true;
	sbuf_init(&s, BUF_MAX);
	show(&s, r->out, first_line_len(r), SHOW);
	note(why, &c, "first line %s does not start with \"BASELINE <OK|WARNING|CRITICAL|UNKNOWN> - \"",
	     sbuf_str(&s));
	sbuf_release(&s);
	return false;
}

static bool
rule_state_matches(const struct run *r, struct sbuf *why)
{
	const struct state_word *w = state_prefix(r);
	size_t c = 0;

	if (w && w->code == r->exit_code)
		return true;
	if (w)
		note(why, &c, "first line says \"%.*s\" but the exit code is %lu",
		     (int)(strlen(w->prefix) - 3), w->prefix, r->exit_code);
	else
		note(why, &c, "no state word on the first line (exit code %lu)", r->exit_code);
	return false;
}

static bool
rule_first_text_length(const struct run *r, struct sbuf *why)
{
	size_t n = first_text_len(r), c = 0;

	if (n <= FIRST_TEXT_MAX)
		return true;
	note(why, &c, "first line text is %zu bytes, more than %d", n, FIRST_TEXT_MAX);
	return false;
}

static bool
rule_no_cr(const struct run *r, struct sbuf *why)
{
	const char *p = memchr(r->out, '\r', r->len);
	size_t c = 0;

	if (!p)
		return true;
	note(why, &c, "'\\r' at byte %zu: Icinga 2 splits lines on it too", (size_t)(p - r->out));
	return false;
}

static bool
rule_no_control(const struct run *r, struct sbuf *why)
{
	size_t i, c = 0;
	bool ok = true;

	for (i = 0; i < r->len; i++) {
		unsigned char b = (unsigned char)r->out[i];
		unsigned char b2 = i + 1 < r->len ? (unsigned char)r->out[i + 1] : 0;

		if ((b < 0x20 && b != '\n' && b != '\r') || b == 0x7f) {
			note(why, &c, "control character 0x%02x at byte %zu", b, i);
			ok = false;
		} else if (b == 0xc2 && b2 >= 0x80 && b2 <= 0x9f) {
			note(why, &c, "C1 control character U+%04X at byte %zu", b2, i);
			ok = false;
		}
	}
	return ok;
}

static bool
rule_no_html(const struct run *r, struct sbuf *why)
{
	size_t i, c = 0;
	bool ok = true;

	for (i = 0; i < r->len; i++)
		if (r->out[i] == '<' || r->out[i] == '>' || r->out[i] == '&') {
			note(why, &c, "'%c' at byte %zu: Icinga Web renders HTML", r->out[i], i);
			ok = false;
		}
	return ok;
}

/* Offset of the first byte that is not part of valid UTF-8, or len. */
static size_t
utf8_invalid_at(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char b = s[i];
		size_t n, k;
		unsigned long cp;

		if (b < 0x80) {
			i++;
			continue;
		}
		if (b >= 0xc2 && b <= 0xdf)
			n = 1, cp = b & 0x1f;
		else if (b >= 0xe0 && b <= 0xef)
			n = 2, cp = b & 0x0f;
		else if (b >= 0xf0 && b <= 0xf4)
			n = 3, cp = b & 0x07;
		else
			return i;
		for (k = 1; k <= n; k++) {
			if (i + k >= len || (s[i + k] & 0xc0) != 0x80)
				return i;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		i += n + 1;
	}
	return len;
}

static bool
rule_utf8(const struct run *r, struct sbuf *why)
{
	size_t at = utf8_invalid_at((const unsigned char *)r->out, r->len), c = 0;

	if (at == r->len)
		return true;
	note(why, &c, "invalid UTF-8 at byte %zu (0x%02x)", at, (unsigned char)r->out[at]);
	return false;
}

static bool
rule_size(const struct run *r, struct sbuf *why)
{
	size_t c = 0;

	if (!r->over_cap && r->len <= r->max)
		return true;
	if (r->over_cap)
		note(why, &c, "more than %d bytes of output", INPUT_CAP);
	else
		note(why, &c, "%zu bytes of output, more than %zu", r->len, r->max);
	return false;
}

static bool
rule_one_pipe(const struct run *r, struct sbuf *why)
{
	size_t i, line = 1, nbars = 0, lines, c = 0, bar_line = 0, bar_at = 0;
	const char *after, *eol;
	bool ok = true;

	for (i = 0; i < r->len; i++) {
		if (r->out[i] == '\n')
			line++;
		else if (r->out[i] == '|') {
			if (++nbars > 1) {
				note(why, &c, "another '|' on line %zu: Naemon ends the long output at "
					      "the first '|' anywhere", line);
				ok = false;
			} else {
				bar_line = line;
				bar_at = i;
			}
		}
	}
	if (nbars != 1)
		return ok;
	/* the last line with content */
	lines = line;
	for (i = r->len; i > 0 && is_cspace((unsigned char)r->out[i - 1]); i--)
		if (r->out[i - 1] == '\n')
			lines--;
	if (bar_line != 1 && bar_line != lines) {
		note(why, &c, "'|' on line %zu of %zu: perfdata belongs at the end of the first "
			      "or of the last line", bar_line, lines);
		ok = false;
	}
	after = r->out + bar_at + 1;
	eol = memchr(after, '\n', r->len - bar_at - 1);
	if (!eol)
		eol = r->out + r->len;
	if (!memchr(after, '=', (size_t)(eol - after))) {
		note(why, &c, "'|' on line %zu is not followed by perfdata: Icinga 2 keeps it in "
			      "the text (#9168), Naemon cuts there", bar_line);
		ok = false;
	}
	return ok;
}

static bool
rule_icinga_parses(const struct run *r, struct sbuf *why)
{
	size_t i, c = 0;
	bool ok = true;

	for (i = 0; i < r->i_pd.n; i++) {
		struct pdv_result res;

		icinga_parse_value(&r->i_pd.v[i], &res);
		if (res.rejected) {
			struct sbuf s;

			sbuf_init(&s, BUF_MAX);
			show_str(&s, r->i_pd.v[i].label);
			sbuf_addch(&s, '=');
			show_str(&s, r->i_pd.v[i].value);
			note(why, &c, "%s: %s (the metric writers skip it: \"Ignoring invalid "
				      "perfdata\")", sbuf_str(&s), res.why);
			sbuf_release(&s);
			ok = false;
		}
		free(res.unit);
		free(res.why);
	}
	return ok;
}

static bool
rule_icinga_unit(const struct run *r, struct sbuf *why)
{
	size_t i, c = 0;
	bool ok = true;

	for (i = 0; i < r->i_pd.n; i++) {
		struct pdv_result res;

		icinga_parse_value(&r->i_pd.v[i], &res);
		if (!res.rejected && res.unit_dropped) {
			note(why, &c, "label '%s': unit '%s' unknown to Icinga 2, dropped silently",
			     r->i_pd.v[i].label, res.unit);
			ok = false;
		}
		free(res.unit);
		free(res.why);
	}
	return ok;
}

static bool
rule_icinga_thresholds(const struct run *r, struct sbuf *why)
{
	static const char *const names[] = { "", "warn", "crit", "min", "max" };
	size_t i, c = 0;
	int f;
	bool ok = true;

	for (i = 0; i < r->i_pd.n; i++) {
		struct pdv_result res;

		icinga_parse_value(&r->i_pd.v[i], &res);
		for (f = 1; f <= 4 && !res.rejected; f++)
			if (res.ignored & (1 << f)) {
				note(why, &c, "label '%s': %s is not a plain number, Icinga 2 ignores "
					      "it (\"unsupported perfdata range\", #9038)",
				     r->i_pd.v[i].label, names[f]);
				ok = false;
			}
		free(res.unit);
		free(res.why);
	}
	return ok;
}

struct span {
	const char *p;
	size_t n;
};

struct span_list {
	struct span *v;
	size_t n, alloc;
};

/* Splits text into lines, trims blanks at line ends, drops trailing empty lines. */
static size_t
norm_lines(const char *s, size_t len, struct span_list *out)
{
	size_t i, start = 0;

	for (i = 0; i <= len; i++) {
		struct span sp;

		if (i < len && s[i] != '\n')
			continue;
		sp.p = s + start;
		sp.n = i - start;
		while (sp.n > 0 && (sp.p[sp.n - 1] == ' ' || sp.p[sp.n - 1] == '\t'))
			sp.n--;
		if (out->n == 0)
			while (sp.n > 0 && (sp.p[0] == ' ' || sp.p[0] == '\t'))
				sp.p++, sp.n--;
		out->v = xgrow(out->v, out->n + 1, &out->alloc, sizeof(*out->v));
		out->v[out->n++] = sp;
		start = i + 1;
	}
	while (out->n > 0 && out->v[out->n - 1].n == 0)
		out->n--;
	return out->n;
}

static bool
rule_same_text(const struct run *r, struct sbuf *why)
{
	struct span_list a = { 0 }, b = { 0 };
	struct sbuf ntext, s;
	size_t i, c = 0;
	bool ok = true;

	sbuf_init(&ntext, BUF_MAX);
	sbuf_add(&ntext, r->n_short.buf ? r->n_short.buf : "", r->n_short.len);
	if (r->n_has_long) {
		sbuf_addch(&ntext, '\n');
		sbuf_add(&ntext, r->n_long.buf, r->n_long.len);
	}
	norm_lines(r->i_text.buf ? r->i_text.buf : "", r->i_text.len, &a);
	norm_lines(ntext.buf ? ntext.buf : "", ntext.len, &b);
	for (i = 0; i < a.n || i < b.n; i++) {
		if (i < a.n && i < b.n && a.v[i].n == b.v[i].n &&
		    memcmp(a.v[i].p, b.v[i].p, a.v[i].n) == 0)
			continue;
		sbuf_init(&s, BUF_MAX);
		sbuf_addf(&s, "text line %zu: icinga2 ", i + 1);
		if (i < a.n)
			show(&s, a.v[i].p, a.v[i].n, SHOW);
		else
			sbuf_addstr(&s, "(none)");
		sbuf_addstr(&s, ", naemon ");
		if (i < b.n)
			show(&s, b.v[i].p, b.v[i].n, SHOW);
		else
			sbuf_addstr(&s, "(none)");
		note(why, &c, "%s", sbuf_str(&s));
		sbuf_release(&s);
		ok = false;
		break;
	}
	if (ok && memchr(sbuf_str(&r->n_short), ';', r->n_short.len))
		note(why, &c, "note: Nagios rewrites ';' to ':' in the first line (not a failure)");
	free(a.v);
	free(b.v);
	sbuf_release(&ntext);
	return ok;
}

static int
pd_cmp(const void *x, const void *y)
{
	const struct pd *a = x, *b = y;
	int d = strcmp(a->label, b->label);

	if (d)
		return d;
	if (!a->value || !b->value)
		return (a->value != NULL) - (b->value != NULL);
	return strcmp(a->value, b->value);
}

static void
pd_show(struct sbuf *s, const struct pd *t)
{
	show_str(s, t->label);
	if (t->value) {
		sbuf_addch(s, '=');
		show_str(s, t->value);
	} else {
		sbuf_addstr(s, " (no '=')");
	}
}

static bool
rule_same_perfdata(const struct run *r, struct sbuf *why)
{
	struct pd *a = xmalloc((r->i_pd.n + 1) * sizeof(*a)), *b = xmalloc((r->n_pd.n + 1) * sizeof(*b));
	size_t i, j, c = 0;
	bool ok = true;

	memcpy(a, r->i_pd.v ? (const void *)r->i_pd.v : (const void *)a, r->i_pd.n * sizeof(*a));
	memcpy(b, r->n_pd.v ? (const void *)r->n_pd.v : (const void *)b, r->n_pd.n * sizeof(*b));
	qsort(a, r->i_pd.n, sizeof(*a), pd_cmp);
	qsort(b, r->n_pd.n, sizeof(*b), pd_cmp);
	for (i = j = 0; i < r->i_pd.n || j < r->n_pd.n;) {
		int d = i == r->i_pd.n ? 1 : j == r->n_pd.n ? -1 : pd_cmp(&a[i], &b[j]);
		struct sbuf s;

		if (d == 0) {
			i++, j++;
			continue;
		}
		sbuf_init(&s, BUF_MAX);
		pd_show(&s, d < 0 ? &a[i] : &b[j]);
		note(why, &c, "only %s has %s", d < 0 ? "icinga2" : "naemon", sbuf_str(&s));
		sbuf_release(&s);
		ok = false;
		if (d < 0)
			i++;
		else
			j++;
	}
	if (!ok) {
		struct sbuf s;

		sbuf_init(&s, BUF_MAX);
		sbuf_addstr(&s, "icinga2 perfdata ");
		show(&s, sbuf_str(&r->i_perf), r->i_perf.len, SHOW);
		sbuf_addstr(&s, ", naemon perfdata ");
		show(&s, sbuf_str(&r->n_perf), r->n_perf.len, SHOW);
		sbuf_addstr(why, sbuf_str(&s));
		sbuf_addch(why, '\n');
		sbuf_release(&s);
	}
	free(a);
	free(b);
	return ok;
}

static bool
rule_spacing(const struct run *r, struct sbuf *why)
{
	const char *p = sbuf_str(&r->i_perf);
	size_t i, c = 0;
	bool ok = true;

	for (i = 0; i < r->i_perf.len; i++) {
		if (p[i] == '\t' || (p[i] == ' ' && i + 1 < r->i_perf.len && p[i + 1] == ' ')) {
			note(why, &c, "perfdata byte %zu: pairs must be separated by exactly one "
				      "space (Icinga 2 before #8969 reads a leading-space label)", i);
			ok = false;
			while (i + 1 < r->i_perf.len && (p[i + 1] == ' ' || p[i + 1] == '\t'))
				i++;
		}
	}
	return ok;
}

static bool
rule_labels(const struct run *r, struct sbuf *why)
{
	size_t i, c = 0;
	bool ok = true;

	for (i = 0; i < r->i_pd.n; i++) {
		const char *l = r->i_pd.v[i].label;
		struct sbuf s;

		if (*l && strspn(l, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				    "0123456789_.-") == strlen(l) && !strstr(l, "::"))
			continue;
		sbuf_init(&s, BUF_MAX);
		show_str(&s, l);
		note(why, &c, "label %s: only [A-Za-z0-9_.-], no \"::\"", sbuf_str(&s));
		sbuf_release(&s);
		ok = false;
	}
	return ok;
}

static int
prefix_cmp(const void *x, const void *y)
{
	return strncmp(*(char *const *)x, *(char *const *)y, LABEL_UNIQUE);
}

static bool
rule_labels_unique(const struct run *r, struct sbuf *why)
{
	char **v = xmalloc((r->i_pd.n + 1) * sizeof(*v));
	size_t i, c = 0;
	bool ok = true;

	for (i = 0; i < r->i_pd.n; i++)
		v[i] = r->i_pd.v[i].label;
	qsort(v, r->i_pd.n, sizeof(*v), prefix_cmp);
	for (i = 1; i < r->i_pd.n; i++)
		if (prefix_cmp(&v[i - 1], &v[i]) == 0) {
			note(why, &c, "labels '%s' and '%s' share their first %d characters", v[i - 1],
			     v[i], LABEL_UNIQUE);
			ok = false;
		}
	free(v);
	return ok;
}

static bool
rule_values_plain(const struct run *r, struct sbuf *why)
{
	static const char *const names[] = { "value", "warn", "crit", "min", "max" };
	size_t i, c = 0;
	bool ok = true;

	for (i = 0; i < r->i_pd.n; i++) {
		const char *l = r->i_pd.v[i].label, *v = r->i_pd.v[i].value, *f;
		size_t numlen, unitlen, field = 0, n;

		split_number(v, &numlen, &unitlen);
		if (!plain_number(v, numlen)) {
			note(why, &c, "label '%s': value '%.*s': %s", l, (int)numlen, v,
			     number_defect(v, numlen));
			ok = false;
		}
		for (f = v + numlen + unitlen; *f == ';'; f += n) {
			f++;
			n = strcspn(f, ";");
			if (++field > 4) {
				note(why, &c, "label '%s': more than 5 fields", l);
				ok = false;
				break;
			}
			if (n && !plain_number(f, n)) {
				note(why, &c, "label '%s': %s '%.*s': %s", l, names[field], (int)n, f,
				     number_defect(f, n));
				ok = false;
			}
		}
	}
	return ok;
}

static bool
rule_units(const struct run *r, struct sbuf *why)
{
	static const char *const ours[] = { "", "%", "s", "B", "c", NULL };
	size_t i, c = 0;
	bool ok = true;

	for (i = 0; i < r->i_pd.n; i++) {
		const char *v = r->i_pd.v[i].value;
		size_t numlen, unitlen;

		split_number(v, &numlen, &unitlen);
		if (in_list(v + numlen, unitlen, ours))
			continue;
		note(why, &c, "label '%s': unit '%.*s' (only %%, s, B, c or none)", r->i_pd.v[i].label,
		     (int)unitlen, v + numlen);
		ok = false;
	}
	return ok;
}

static bool
rule_expected(const struct run *r, struct sbuf *why)
{
	size_t i, j, c = 0;
	bool ok = true;

	for (i = 0; i < r->nexpect; i++) {
		for (j = 0; j < r->i_pd.n; j++)
			if (strcmp(r->expect[i], r->i_pd.v[j].label) == 0)
				break;
		if (j == r->i_pd.n) {
			note(why, &c, "expected perfdata label '%s' is missing", r->expect[i]);
			ok = false;
		}
	}
	return ok;
}

struct rule {
	const char *name;
	bool (*check)(const struct run *r, struct sbuf *why);
};

static const struct rule rules[] = {
	{ "exit: code is 0..3", rule_exit_code },
	{ "line 1: not empty", rule_first_line_present },
	{ "line 1: starts with \"BASELINE <STATE> - \"", rule_prefix },
	{ "line 1: state word matches the exit code", rule_state_matches },
	{ "line 1: text at most 200 bytes", rule_first_text_length },
	{ "output: no carriage return", rule_no_cr },
	{ "output: no control characters except newline", rule_no_control },
	{ "output: no '<', '>' or '&'", rule_no_html },
	{ "output: valid UTF-8", rule_utf8 },
	{ "output: within the size limit", rule_size },
	{ "output: no '|' except one perfdata separator", rule_one_pipe },
	{ "icinga2: perfdata parses", rule_icinga_parses },
	{ "icinga2: no unit dropped as unknown", rule_icinga_unit },
	{ "icinga2: no warn/crit/min/max ignored as a range", rule_icinga_thresholds },
	{ "icinga2 and naemon: same text", rule_same_text },
	{ "icinga2 and naemon: same perfdata tokens", rule_same_perfdata },
	{ "perfdata: pairs separated by exactly one space", rule_spacing },
	{ "perfdata: labels [A-Za-z0-9_.-] without \"::\"", rule_labels },
	{ "perfdata: labels unique in their first 19 characters", rule_labels_unique },
	{ "perfdata: plain C-locale numbers without exponent", rule_values_plain },
	{ "perfdata: unit %, s, B, c or none", rule_units },
	{ "perfdata: expected labels present", rule_expected },
};

/* ---- main --------------------------------------------------------------- */

static int
usage(void)
{
	fputs("usage: conform EXITCODE [--max BYTES] [--expect-perf LABEL ...] <plugin-stdout\n",
	      stderr);
	return 2;
}

/* Reads stdin: at most INPUT_CAP bytes kept, the rest drained. */
static int
read_input(struct run *r)
{
	char drain[4096];
	ssize_t got;

	r->out = xmalloc(INPUT_CAP + 1);
	r->len = 0;
	while (r->len < INPUT_CAP) {
		got = read(STDIN_FILENO, r->out + r->len, INPUT_CAP - r->len);
		if (got == -1 && errno == EINTR)
			continue;
		if (got == -1)
			return -1;
		if (got == 0)
			break;
		r->len += (size_t)got;
	}
	r->out[r->len] = '\0';
	while ((got = read(STDIN_FILENO, drain, sizeof(drain))) != 0) {
		if (got == -1 && errno == EINTR)
			continue;
		if (got == -1)
			return -1;
		r->over_cap = true;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct run r;
	size_t i, failed = 0;
	unsigned long max;
	int a;
	bool in_expect = false;

	memset(&r, 0, sizeof(r));
	r.max = DEFAULT_MAX;
	if (argc < 2 || parse_ulong(argv[1], 0, 255, &r.exit_code) == -1)
		return usage();
	r.expect = xmalloc((size_t)argc * sizeof(*r.expect));
	for (a = 2; a < argc; a++) {
		if (strcmp(argv[a], "--max") == 0) {
			if (++a == argc || parse_ulong(argv[a], 1, INPUT_CAP, &max) == -1)
				return usage();
			r.max = max;
			in_expect = false;
		} else if (strcmp(argv[a], "--expect-perf") == 0) {
			in_expect = true;
		} else if (in_expect && strncmp(argv[a], "--", 2) != 0) {
			r.expect[r.nexpect++] = argv[a];
		} else {
			return usage();
		}
	}
	if (read_input(&r) == -1) {
		fprintf(stderr, "conform: cannot read stdin: %s\n", strerror(errno));
		return 2;
	}

	sbuf_init(&r.i_text, BUF_MAX);
	sbuf_init(&r.i_perf, BUF_MAX);
	sbuf_init(&r.n_short, BUF_MAX);
	sbuf_init(&r.n_long, BUF_MAX);
	sbuf_init(&r.n_perf, BUF_MAX);
	icinga_parse_check_output(r.out, r.len, &r.i_text, &r.i_perf);
	icinga_split_perfdata(sbuf_str(&r.i_perf), r.i_perf.len, &r.i_pd);
	naemon_parse_output(r.out, r.len, &r);
	guidelines_split_perfdata(sbuf_str(&r.n_perf), r.n_perf.len, &r.n_pd);

	printf("1..%zu\n", sizeof(rules) / sizeof(rules[0]));
	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		struct sbuf why;
		const char *p, *nl;
		bool ok;

		sbuf_init(&why, BUF_MAX);
		ok = rules[i].check(&r, &why);
		printf("%sok %zu - %s\n", ok ? "" : "not ", i + 1, rules[i].name);
		/* one "# " line per diagnostic; labels and values echoed from the
		   output may hold control bytes: print those as \xNN */
		for (p = sbuf_str(&why); *p; p = *nl ? nl + 1 : nl) {
			nl = strchr(p, '\n');
			if (!nl)
				nl = p + strlen(p);
			fputs("#   ", stdout);
			for (; p < nl; p++) {
				if ((unsigned char)*p < 0x20 || *p == 0x7f)
					printf("\\x%02x", (unsigned char)*p);
				else
					putchar(*p);
			}
			putchar('\n');
		}
		if (!ok)
			failed++;
		sbuf_release(&why);
	}
	if (failed)
		printf("# %zu of %zu rules failed\n", failed, sizeof(rules) / sizeof(rules[0]));

	pd_release(&r.i_pd);
	pd_release(&r.n_pd);
	sbuf_release(&r.i_text);
	sbuf_release(&r.i_perf);
	sbuf_release(&r.n_short);
	sbuf_release(&r.n_long);
	sbuf_release(&r.n_perf);
	free(r.expect);
	free(r.out);
	return failed ? 1 : 0;
}
