/*
 * Fuzzes the parsers of common/httphdr.c with what a hostile web server
 * sends. The first byte picks the parser (modulo 5), the second is a
 * parameter (an output size, or the time), the rest is the input:
 *   0  httphdr_hsts(): an answer within bounds; a value that parses fails
 *      once "; max-age=1" is appended (a directive given twice)
 *   1  httphdr_first_token() into an out of exactly the given size: short,
 *      lower-case, printable; uncut, it is what a large out gets
 *   2  httphdr_referrer_policy(): NULL or one of the policies; a policy
 *      appended after a ',' is the answer
 *   3  httphdr_csp_evaluate() on the input's lines as headers: each policy
 *      given twice changes nothing; a good policy added leaves no problem
 *   4  httphdr_sectxt_parse() on exactly the input's bytes (no NUL after)
 * Every message must be printable ASCII, NUL-terminated in its slot and not
 * repeated. A broken invariant calls __builtin_trap().
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "httphdr.h"
#include "util.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x) do { if (!(x)) __builtin_trap(); } while (0)
#define GOOD "default-src 'self'; frame-ancestors 'self'; base-uri 'self'; form-action 'self'"
#define CSP_MAX_HEADERS 8

static bool
printable(const char *s, size_t max)
{
	size_t i;

	for (i = 0; i < max && s[i]; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return false;
	return i < max;
}

static void
check_problems(const struct httphdr_problems *p)
{
	size_t i, j;

	CHECK(p->n <= HTTPHDR_PROBLEMS_MAX);
	for (i = 0; i < p->n; i++) {
		CHECK(printable(p->v[i], sizeof(p->v[i])));
		CHECK(p->v[i][0] != '\0');
		for (j = 0; j < i; j++)
			CHECK(strcmp(p->v[i], p->v[j]) != 0);
	}
}

static bool
has_problem(const struct httphdr_problems *p, const char *prefix)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (strncmp(p->v[i], prefix, strlen(prefix)) == 0)
			return true;
	return false;
}

static char *
cstr(const uint8_t *data, size_t size)
{
	char *s = xmalloc(size + 1);

	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

static void
fuzz_hsts(const char *v, uint8_t param)
{
	size_t errlen = 1 + param % 128, n = strlen(v);
	char *err = xmalloc(errlen), *more;
	long long age = -5, age2 = -5;
	bool sub = true, sub2 = true;
	int ret = httphdr_hsts(v, &age, &sub, err, errlen);

	CHECK(ret == 0 || ret == -1);
	CHECK(printable(err, errlen));
	if (ret == 0) {
		CHECK(age >= 0 && age <= HTTPHDR_HSTS_AGE_MAX);
		CHECK(err[0] == '\0');
	} else {
		CHECK(age == 0 && !sub);
		CHECK(errlen == 1 || err[0] != '\0');
	}
	CHECK(httphdr_hsts(v, &age2, &sub2, NULL, 0) == ret && age2 == age && sub2 == sub);
	if (ret == 0) {
		more = xmalloc(n + 16);
		memcpy(more, v, n);
		memcpy(more + n, "; max-age=1", 12);
		CHECK(httphdr_hsts(more, &age2, &sub2, NULL, 0) == -1);
		free(more);
	}
	free(err);
}

static void
fuzz_first_token(const char *v, uint8_t param)
{
	size_t outlen = param, n, i;
	char *out = xmalloc(outlen ? outlen : 1), *big = xmalloc(HTTPHDR_VALUE_MAX + 4);

	out[0] = 'Z';
	httphdr_first_token(v, out, outlen);
	if (outlen == 0) {
		CHECK(out[0] == 'Z');
		goto done;
	}
	CHECK(printable(out, outlen));
	n = strlen(out);
	for (i = 0; i < n; i++)
		CHECK(!(out[i] >= 'A' && out[i] <= 'Z') && out[i] != ',');
	CHECK(n == 0 || (out[0] != ' ' && out[0] != '\t'));
	httphdr_first_token(v, big, HTTPHDR_VALUE_MAX + 4);
	if (n < 3 || strcmp(out + n - 3, "...") != 0) {
		CHECK(n == 0 || out[n - 1] != ' ');
		/* "" is also what an out too small for "..." gets */
		CHECK(strcmp(out, big) == 0 || (outlen < 4 && n == 0));
	} else {
		CHECK(strncmp(out, big, n - 3) == 0);
	}
done:
	free(out);
	free(big);
}

static void
fuzz_referrer(const char *v)
{
	static const char *const policies[] = {
		"no-referrer", "no-referrer-when-downgrade", "same-origin", "origin", "strict-origin",
		"origin-when-cross-origin", "strict-origin-when-cross-origin", "unsafe-url",
	};
	const char *r = httphdr_referrer_policy(v);
	size_t k, n = strlen(v);
	bool known = r == NULL;
	char *more;

	for (k = 0; k < NELEM(policies); k++)
		if (r && strcmp(r, policies[k]) == 0)
			known = true;
	CHECK(known);
	CHECK(!r || httphdr_referrer_policy(r) == r);
	if (n + 13 <= HTTPHDR_VALUE_MAX) {
		more = xmalloc(n + 14);
		memcpy(more, v, n);
		memcpy(more + n, ",no-referrer", 13);
		r = httphdr_referrer_policy(more);
		CHECK(r && strcmp(r, "no-referrer") == 0);
		free(more);
	}
}

static void
fuzz_csp(const uint8_t *data, size_t size)
{
	const char *h[2 * CSP_MAX_HEADERS + 1];
	char *copies[CSP_MAX_HEADERS];
	struct httphdr_csp a, b;
	size_t n = 0, i, off = 0;
	bool overlong = false;

	/* one header per line, at most CSP_MAX_HEADERS */
	while (off <= size && n < CSP_MAX_HEADERS) {
		const uint8_t *nl = memchr(data + off, '\n', size - off);
		size_t len = nl ? (size_t)(nl - (data + off)) : size - off;

		copies[n] = cstr(data + off, len);
		overlong |= strlen(copies[n]) > HTTPHDR_VALUE_MAX;
		h[n] = copies[n];
		n++;
		off += len + 1;
	}
	httphdr_csp_evaluate(h, n, &a);
	check_problems(&a.problems);
	CHECK(printable(a.frame_ancestors, sizeof(a.frame_ancestors)));
	CHECK(!has_problem(&a.problems, "no content-security-policy") || a.problems.n == 1);
	/* every policy twice: the same answer */
	for (i = 0; i < n; i++)
		h[n + i] = h[i];
	httphdr_csp_evaluate(h, 2 * n, &b);
	CHECK(a.problems.n == b.problems.n);
	for (i = 0; i < a.problems.n; i++)
		CHECK(strcmp(a.problems.v[i], b.problems.v[i]) == 0);
	CHECK(a.frame_ancestors_restricted == b.frame_ancestors_restricted);
	CHECK(strcmp(a.frame_ancestors, b.frame_ancestors) == 0);
	/* a good policy beside them: nothing left, but for an unread header */
	h[n] = GOOD;
	httphdr_csp_evaluate(h, n + 1, &b);
	check_problems(&b.problems);
	CHECK(b.frame_ancestors_restricted);
	if (overlong)
		CHECK(b.problems.n == 1 && has_problem(&b.problems, "content-security-policy longer than"));
	else
		CHECK(b.problems.n == 0);
	for (i = 0; i < n; i++)
		free(copies[i]);
}

static void
fuzz_sectxt(const uint8_t *data, size_t size, uint8_t param)
{
	/* now between 2000 and 2050 so the seeds' dates fall on either side */
	time_t now = (time_t)946684800 + (time_t)param * 6200000;
	char *body = xmalloc(size ? size : 1);
	struct httphdr_sectxt s;
	size_t lines = 1, i, read = size > HTTPHDR_SECTXT_MAX ? HTTPHDR_SECTXT_MAX : size;

	memcpy(body, data, size);
	httphdr_sectxt_parse(body, size, now, &s);
	check_problems(&s.problems);
	for (i = 0; i < read; i++)
		lines += data[i] == '\n';
	CHECK(s.ncontact <= lines);
	if (memchr(data, '\0', read)) {
		CHECK(s.ncontact == 0 && !s.has_expires);
		CHECK(has_problem(&s.problems, "not text (a NUL byte)"));
		CHECK(s.problems.n == 1 + (size > HTTPHDR_SECTXT_MAX));
	} else {
		CHECK((s.ncontact == 0) == has_problem(&s.problems, "no contact field"));
		CHECK(!s.has_expires || (s.expires < now) == has_problem(&s.problems, "expired on "));
	}
	free(body);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t mode, param;
	char *v;

	if (size < 2)
		return 0;
	mode = data[0] % 5;
	param = data[1];
	data += 2;
	size -= 2;
	switch (mode) {
	case 0:
		v = cstr(data, size);
		fuzz_hsts(v, param);
		free(v);
		break;
	case 1:
		v = cstr(data, size);
		fuzz_first_token(v, param);
		free(v);
		break;
	case 2:
		v = cstr(data, size);
		fuzz_referrer(v);
		free(v);
		break;
	case 3:
		fuzz_csp(data, size);
		break;
	default:
		fuzz_sectxt(data, size, param);
		break;
	}
	return 0;
}
