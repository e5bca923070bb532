#ifndef CB_RANGE_H
#define CB_RANGE_H
/*
 * Nagios threshold ranges, strict: "10", "10:", "~:10", "10:20", "@10:20".
 * Ends are inclusive. Without '@' a value outside [start, end] alerts; with
 * '@' a value inside alerts. Empty, trailing garbage, '~' as an end, a second
 * '@' and start > end are errors.
 */
#include <stdbool.h>

struct errmsg;

struct range {
	double start;
	double end;
	bool start_inf;	/* "~" */
	bool end_inf;	/* nothing after ':' */
	bool inside;	/* "@" */
};

/* Returns 0, or -1 with "invalid range 'x': <why>" in e. */
int range_parse(struct range *r, const char *s, struct errmsg *e);
/* True when v alerts against r. */
bool range_alert(const struct range *r, double v);
/*
 * The plain number to print as warn/crit in perfdata, when one exists: the
 * finite bound of "N", "N:" or "~:N". Returns 0 and sets *out, or -1 when
 * the range has no single plain bound (Icinga would drop a range).
 */
int range_perf_bound(const struct range *r, double *out);
/* Writes the range back in canonical form into buf (at most n bytes). */
void range_format(const struct range *r, char *buf, unsigned n);

#endif
