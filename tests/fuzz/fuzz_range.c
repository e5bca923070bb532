/*
 * Fuzzes range_parse: any input either fails cleanly or gives a range whose
 * canonical text parses back to the same range.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "range.h"
#include "util.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
same(const struct range *a, const struct range *b)
{
	return a->start_inf == b->start_inf && a->end_inf == b->end_inf &&
	       a->inside == b->inside && (a->start_inf || a->start == b->start) &&
	       (a->end_inf || a->end == b->end);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const double probes[] = { -1e300, -1e15, -10, -1, -0.5, 0, 0.5, 1, 10,
					 20, 100, 1e15, 1e300, INFINITY, -INFINITY };
	char in[257], out[128];
	struct range r, back;
	struct errmsg e;
	double bound;
	size_t i;
	bool a;

	if (size > 256)
		size = 256;
	memcpy(in, data, size);
	in[size] = '\0';
	e.msg[0] = '\0';
	if (range_parse(&r, in, &e) == -1) {
		if (strncmp(e.msg, "invalid range '", 15) != 0)
			abort();
		return 0;
	}
	if (!r.start_inf && !r.end_inf && r.start > r.end)
		abort();
	for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		a = range_alert(&r, probes[i]);
		/* '@' flips the answer for every number */
		r.inside = !r.inside;
		if (range_alert(&r, probes[i]) == a)
			abort();
		r.inside = !r.inside;
	}
	if (!range_alert(&r, NAN))
		abort();
	if (range_perf_bound(&r, &bound) == 0 && !isfinite(bound))
		abort();
	range_format(&r, out, sizeof(out));
	if (range_parse(&back, out, &e) == -1 || !same(&r, &back))
		abort();
	return 0;
}
