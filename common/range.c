/*
 * Nagios threshold ranges, parsed strictly.
 *
 * Grammar (the vocabulary is monitoring-plugins' "-0123456789.:@~"):
 *
 *	range  = ["@"] ( number | start ":" [number] )
 *	start  = "~" | number
 *	number = ["-"] digit{1,} ["." digit{1,6}]	|value| <= 1e15
 *
 * Decisions beyond the header:
 * - "~" is only a start: "~", "~:~" and "10:~" are errors; "~:" (never
 *   alerts, or always with '@') is valid.
 * - The start and its ':' are omitted together ("10"); ":10" and ":" are
 *   errors, as is anything with a space, a '+', an exponent ("1e3"), hex,
 *   "inf" or "nan".
 * - A number needs a digit on both sides of a '.', has at most 6 decimals and
 *   at most 1e15 in magnitude, and the whole range at most RANGE_MAX_LEN
 *   characters. These bounds make range_format() exact: its output parses
 *   back to the same range.
 * - "-0" is read as 0.
 * Numbers are read and written with strtod/snprintf, so LC_NUMERIC must be
 * "C" (plugin-contract.md c.4 item 31).
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "range.h"
#include "util.h"
#include "banned.h"

#define RANGE_MAX_LEN 64
#define RANGE_MAX_DECIMALS 6
#define RANGE_MAX_ABS 1e15

/*
 * Reads one number at *p and advances *p past it. Returns 0, or -1 with the
 * reason in why.
 */
static int
scan_number(const char **p, double *out, const char **why)
{
	const char *s = *p, *q = s;
	char tmp[RANGE_MAX_LEN + 1];
	size_t decimals = 0;
	double v;

	if (*q == '-')
		q++;
	if (*q < '0' || *q > '9') {
		*why = "expected a number";
		return -1;
	}
	while (*q >= '0' && *q <= '9')
		q++;
	if (*q == '.') {
		q++;
		while (q[decimals] >= '0' && q[decimals] <= '9')
			decimals++;
		if (decimals == 0) {
			*why = "expected a digit after '.'";
			return -1;
		}
		if (decimals > RANGE_MAX_DECIMALS) {
			*why = "more than 6 decimals";
			return -1;
		}
		q += decimals;
	}
	/* s is at most RANGE_MAX_LEN long, checked by the caller */
	memcpy(tmp, s, (size_t)(q - s));
	tmp[q - s] = '\0';
	if (parse_double(tmp, &v) == -1 || fabs(v) > RANGE_MAX_ABS) {
		*why = "number out of bounds (at most 1e15)";
		return -1;
	}
	*out = v == 0 ? 0 : v;	/* no -0 */
	*p = q;
	return 0;
}

static int
parse(struct range *r, const char *s, const char **why)
{
	const char *p = s;
	double v;

	if (*p == '@') {
		r->inside = true;
		p++;
		if (*p == '@') {
			*why = "'@' given twice";
			return -1;
		}
	}
	if (*p == '\0') {
		*why = "empty";
		return -1;
	}
	if (*p == ':') {
		*why = "missing start before ':'";
		return -1;
	}
	if (*p == '~') {
		p++;
		if (*p != ':') {
			*why = "'~' must be followed by ':'";
			return -1;
		}
		r->start_inf = true;
	} else {
		if (scan_number(&p, &v, why) == -1)
			return -1;
		if (*p != ':') {	/* "N" means 0:N */
			if (*p != '\0') {
				*why = "trailing characters";
				return -1;
			}
			r->start = 0;
			r->end = v;
			goto check;
		}
		r->start = v;
	}
	p++;	/* ':' */
	if (*p == '\0') {
		r->end_inf = true;
		return 0;
	}
	if (*p == '~') {
		*why = "'~' is only allowed as the start";
		return -1;
	}
	if (scan_number(&p, &r->end, why) == -1)
		return -1;
	if (*p != '\0') {
		*why = "trailing characters";
		return -1;
	}
check:
	if (!r->start_inf && r->start > r->end) {
		*why = "start greater than end";
		return -1;
	}
	return 0;
}

/* The first RANGE_MAX_LEN bytes of s for a message: bytes outside ASCII 32-126 become '?'. */
static void
printable(const char *s, char out[RANGE_MAX_LEN + 1])
{
	size_t i;

	for (i = 0; i < RANGE_MAX_LEN && s[i]; i++)
		out[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	out[i] = '\0';
}

int
range_parse(struct range *r, const char *s, struct errmsg *e)
{
	char shown[RANGE_MAX_LEN + 1];
	const char *why = NULL;
	struct range t = { 0 };

	if (!s)
		s = "";
	printable(s, shown);
	if (strlen(s) > RANGE_MAX_LEN) {
		errmsg_set(e, "invalid range '%s...': longer than %d characters", shown,
			   RANGE_MAX_LEN);
		return -1;
	}
	if (parse(&t, s, &why) == -1) {
		errmsg_set(e, "invalid range '%s': %s", shown, why);
		return -1;
	}
	*r = t;
	return 0;
}

bool
range_alert(const struct range *r, double v)
{
	bool in;

	if (isnan(v))	/* a value that is not a number never passes */
		return true;
	in = (r->start_inf || v >= r->start) && (r->end_inf || v <= r->end);
	return r->inside ? in : !in;
}

int
range_perf_bound(const struct range *r, double *out)
{
	if (r->inside || (r->start_inf && r->end_inf))
		return -1;
	if (r->start_inf)		/* "~:N" */
		*out = r->end;
	else if (r->end_inf)		/* "N:" */
		*out = r->start;
	else if (r->start == 0)		/* "N" */
		*out = r->end;
	else
		return -1;
	return 0;
}

/* The shortest fixed-point text (no exponent) that reads back as v. */
static void
format_number(double v, char out[48])
{
	int prec;

	if (v == 0)
		v = 0;	/* print "0", not "-0" */
	for (prec = 0; prec <= RANGE_MAX_DECIMALS; prec++) {
		snprintf(out, 48, "%.*f", prec, v);
		if (strtod(out, NULL) == v)
			return;
	}
	/* not reached for a parsed range; keep the last (6 decimals) */
}

void
range_format(const struct range *r, char *buf, unsigned n)
{
	char a[48] = "", b[48] = "";

	if (!buf || n == 0)
		return;
	if (!r->start_inf)
		format_number(r->start, a);
	if (!r->end_inf)
		format_number(r->end, b);
	if (!r->start_inf && !r->end_inf && r->start == 0)
		snprintf(buf, n, "%s%s", r->inside ? "@" : "", b);
	else
		snprintf(buf, n, "%s%s:%s", r->inside ? "@" : "", r->start_inf ? "~" : a, b);
}
