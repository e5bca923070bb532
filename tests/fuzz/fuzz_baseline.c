/*
 * Fuzz target for the readers of JSON files: common/json.c, the baseline
 * loader and the waiver loader. The same bytes go to json_parse(),
 * baseline_load_buf() and waivers_load_buf() (without a baseline, and against
 * a small fixed one). What json_parse() accepts is checked against its
 * contract (valid UTF-8 without NUL, unique keys, finite numbers, depth) and
 * must survive a write-and-read-back round trip unchanged; a wrong answer
 * aborts like a crash. Everything loaded is released.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "json.h"
#include "util.h"
#include "waiver.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char fixed_baseline[] =
	"{\"format\": 1, \"id\": \"fz\", \"version\": \"1\","
	" \"title\": {\"en\": \"t\", \"da\": \"t\"},"
	" \"profiles\": [{\"id\": \"basis\", \"title\": {\"en\": \"b\", \"da\": \"b\"}}],"
	" \"controls\": [{\"id\": \"SSH-003\", \"version\": 1, \"family\": \"ssh\","
	" \"profile\": \"basis\", \"severity\": \"critical\","
	" \"title\": {\"en\": \"t\", \"da\": \"t\"}, \"rationale\": {\"en\": \"r\", \"da\": \"r\"},"
	" \"remediation\": {\"en\": \"m\", \"da\": \"m\"},"
	" \"references\": {\"nis2\": [\"21(2)(h)\"], \"iso27001_2022\": [\"A.8.24\"]},"
	" \"rule\": {\"op\": \"eq\", \"fact\": \"ssh.protocol\", \"value\": \"2.0\"}}]}";

static bool
valid_utf8(const unsigned char *s)
{
	while (*s) {
		unsigned c = *s, n, cp, i;

		if (c < 0x80) {
			s++;
			continue;
		}
		if (c >= 0xc2 && c < 0xe0)
			n = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c < 0xf0)
			n = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c < 0xf5)
			n = 3, cp = c & 0x07;
		else
			return false;
		for (i = 1; i <= n; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		s += n + 1;
	}
	return true;
}

/* The contract of a parsed value; depth counts like json-c (leaf included). */
static void
check(const struct jv *v, int depth)
{
	size_t i, k;

	if (depth > JSON_MAX_DEPTH)
		abort();
	switch (v->type) {
	case JV_NULL:
	case JV_BOOL:
		break;
	case JV_INT:
		if (v->d != (double)v->i)
			abort();
		break;
	case JV_DOUBLE:
		if (!isfinite(v->d))
			abort();
		break;
	case JV_STRING:
		if (!v->s || !valid_utf8((const unsigned char *)v->s))
			abort();
		break;
	case JV_OBJECT:
		for (i = 0; i < v->n; i++) {
			if (!valid_utf8((const unsigned char *)v->keys[i]))
				abort();
			for (k = 0; k < i && v->n < 256; k++)	/* quadratic: small objects only */
				if (strcmp(v->keys[i], v->keys[k]) == 0)
					abort();
		}
		/* fall through */
	case JV_ARRAY:
		for (i = 0; i < v->n; i++)
			check(&v->items[i], depth + 1);
		break;
	default:
		abort();
	}
}

static void
write_jv(struct sbuf *sb, const struct jv *v)
{
	char num[64];
	size_t i;

	switch (v->type) {
	case JV_NULL:
		sbuf_addstr(sb, "null");
		break;
	case JV_BOOL:
		sbuf_addstr(sb, v->b ? "true" : "false");
		break;
	case JV_INT:
		sbuf_addf(sb, "%lld", v->i);
		break;
	case JV_DOUBLE:
		snprintf(num, sizeof(num), "%.17g", v->d);
		sbuf_addstr(sb, num);
		if (!strpbrk(num, ".e"))	/* stay a double */
			sbuf_addstr(sb, ".0");
		break;
	case JV_STRING:
		json_put_str(sb, v->s);
		break;
	case JV_ARRAY:
	case JV_OBJECT:
		sbuf_addch(sb, v->type == JV_ARRAY ? '[' : '{');
		for (i = 0; i < v->n; i++) {
			if (i)
				sbuf_addch(sb, ',');
			if (v->type == JV_OBJECT)
				json_put_key(sb, v->keys[i]);
			write_jv(sb, &v->items[i]);
		}
		sbuf_addch(sb, v->type == JV_ARRAY ? ']' : '}');
		break;
	}
}

static void
fuzz_json(const char *text, size_t size)
{
	struct sbuf a, b;
	struct errmsg e;
	struct jv *v = NULL, *again = NULL;

	if (json_parse(text, size, "fuzz", &v, &e) == -1) {
		if (v || strncmp(e.msg, "fuzz: ", 6) != 0)
			abort();
		return;
	}
	check(v, 1);
	sbuf_init(&a, 1u << 30);
	sbuf_init(&b, 1u << 30);
	write_jv(&a, v);
	if (json_parse(sbuf_str(&a), a.len, "again", &again, &e) == -1)
		abort();
	write_jv(&b, again);
	if (a.len != b.len || memcmp(a.buf, b.buf, a.len) != 0)
		abort();
	jv_free(again);
	jv_free(v);
	sbuf_release(&a);
	sbuf_release(&b);
}

/* What waivers_match() returns must apply on `today`. */
static void
check_match(const struct waivers *w, const char *control, const char *host, const char *today)
{
	const struct waiver *wv, *expired;
	long now = util_date_days(today);

	wv = waivers_match(w, control, host, today, &expired);
	if (wv && (strcmp(wv->control, control) != 0 || expired ||
		   util_date_days(wv->created) > now || util_date_days(wv->expires) <= now))
		abort();
	if (expired && (strcmp(expired->control, control) != 0 ||
			util_date_days(expired->expires) > now))
		abort();
}

static void
fuzz_waivers(const char *text, size_t size, const struct baseline *b)
{
	struct waivers w;
	struct errmsg e;
	size_t i;

	if (waivers_load_buf(&w, text, size, "fuzz.json", b, &e) == -1) {
		if (w.v || w.n || strncmp(e.msg, "waivers 'fuzz.json': ", 21) != 0)
			abort();
		waivers_release(&w);
		return;
	}
	for (i = 0; i < w.n; i++) {
		const struct waiver *x = &w.v[i];
		long c = util_date_days(x->created), x_exp = util_date_days(x->expires);

		if (x->index != i || c < 0 || x_exp <= c || x_exp - c > 366 || !*x->control ||
		    !*x->host || strlen(x->host) > 255 || (b && !baseline_find(b, x->control)))
			abort();
		if (i < 16) {	/* matching is linear per call: keep the run linear */
			check_match(&w, x->control, "fw-1.aarhus.dk", x->created);
			check_match(&w, x->control, x->host, x->expires);
		}
	}
	waivers_release(&w);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct baseline fixed;
	static bool have_fixed;
	const char *text = (const char *)data;
	struct baseline b;
	struct errmsg e;

	if (!have_fixed) {
		if (baseline_load_buf(&fixed, fixed_baseline, sizeof(fixed_baseline) - 1, "fixed",
				      &e) == -1)
			abort();
		have_fixed = true;
	}
	fuzz_json(text, size);
	baseline_load_buf(&b, text, size, "fuzz.json", &e);
	baseline_release(&b);	/* also after a failure: *b is then empty by contract */
	fuzz_waivers(text, size, NULL);
	fuzz_waivers(text, size, &fixed);
	return 0;
}
