/*
 * JSON in and out. The only module that includes json-c.
 *
 * Reading is two passes over the same bytes:
 *
 *  1. scan(): our own lexer. json-c's strict mode still accepts NaN,
 *     Infinity, "1.", unescaped control characters, "\u0000", unpaired
 *     surrogates (silently turned into U+FFFD), integers beyond 64 bits
 *     (silently clamped) and it does not check UTF-8. The lexer rejects all of
 *     those, and rejects anything after the top-level value. It also records,
 *     for every object in the order its '{' appears, how many members (':' at
 *     its own level) the text gives it.
 *  2. json-c (JSON_TOKENER_STRICT, depth JSON_MAX_DEPTH) checks the grammar
 *     and builds its tree.
 *
 * When both fail, the error with the smaller offset is reported (the lexer's
 * on a tie): before json-c's first error the text is a valid JSON prefix, so
 * the lexer's view of it is exact.
 *
 * Duplicate keys: json-c keeps the last value of a repeated key, so an object
 * with a duplicate has fewer members in json-c's tree than the lexer counted.
 * convert() walks json-c's tree in pre-order, which is the order of the '{' in
 * the text, and compares each object's member count with the lexer's. The
 * first mismatch is the first object with a duplicate: every object before it
 * has none, so none of them lost a subtree and the walk is still aligned.
 * find_dup() then decodes that object's keys (with json-c, so equality is
 * json-c's) to name the duplicate and its line.
 *
 * Depth (json-c's rule): every value on the path from the root counts, the
 * innermost scalar included, so 32 nested empty arrays are fine and 32 nested
 * arrays around a number are one level too many.
 *
 * Positions are 1-based; the column counts characters (UTF-8 sequences), not
 * bytes.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* json-c's <json.h> is shadowed by ours (-Icommon comes first): name its parts. */
#include <json_object.h>
#include <json_object_iterator.h>
#include <json_tokener.h>

#include "digest.h"
#include "json.h"
#include "util.h"
#include "banned.h"

#define NO_OBJECT SIZE_MAX

struct objcount {
	size_t off;		/* offset of the '{' */
	size_t n;		/* members the text gives it */
};

struct scan {
	const char *t;
	size_t len;
	const char *err;	/* first lexical error, or NULL */
	size_t err_off;
	struct objcount *obj;
	size_t nobj, aobj;
	size_t stack[JSON_MAX_DEPTH];	/* per open container: index in obj, or NO_OBJECT */
	size_t depth;
	bool deep;		/* deeper than the stack: json-c fails on it */
	bool done;		/* the top-level value is complete */
};

/* Length of the valid UTF-8 sequence at s (n bytes available), or 0. */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t need, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] < 0xc2)
		return 0;
	if (s[0] < 0xe0) {
		need = 2;
	} else if (s[0] < 0xf0) {
		need = 3;
		if (s[0] == 0xe0)
			lo = 0xa0;		/* overlong */
		else if (s[0] == 0xed)
			hi = 0x9f;		/* surrogates */
	} else if (s[0] < 0xf5) {
		need = 4;
		if (s[0] == 0xf0)
			lo = 0x90;		/* overlong */
		else if (s[0] == 0xf4)
			hi = 0x8f;		/* above U+10FFFF */
	} else {
		return 0;
	}
	if (n < need || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < need; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return need;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The code unit of "\uXXXX" at t[p] (t[p] == '\\'), or -1. */
static long
escape_u(const char *t, size_t len, size_t p)
{
	long v = 0;
	size_t i;
	int h;

	if (p + 6 > len || t[p] != '\\' || t[p + 1] != 'u')
		return -1;
	for (i = 2; i < 6; i++) {
		if ((h = hexval(t[p + i])) < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

static bool
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_alnum(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

/* Records the first lexical error; returns 0 so that callers can stop. */
static size_t
scan_fail(struct scan *sc, size_t off, const char *why)
{
	sc->err = why;
	sc->err_off = off;
	return 0;
}

/* Lexes the string starting at t[p] == '"'; returns the offset after it, or 0. */
static size_t
scan_string(struct scan *sc, size_t p)
{
	const char *t = sc->t;
	size_t len = sc->len, n;
	long u, lo;

	for (p++; p < len;) {
		unsigned char c = (unsigned char)t[p];

		if (c == '"')
			return p + 1;
		if (c == '\\') {
			if (p + 1 >= len)
				return len;	/* unterminated: json-c says so */
			if (t[p + 1] && strchr("\"\\/bfnrt", t[p + 1])) {
				p += 2;
				continue;
			}
			if (t[p + 1] != 'u' || (u = escape_u(t, len, p)) < 0)
				return scan_fail(sc, p, "invalid escape in string");
			if (u == 0)
				return scan_fail(sc, p, "\\u0000 in string");
			if (u >= 0xdc00 && u <= 0xdfff)
				return scan_fail(sc, p, "unpaired surrogate in string");
			if (u >= 0xd800 && u <= 0xdbff) {
				lo = escape_u(t, len, p + 6);
				if (lo < 0xdc00 || lo > 0xdfff)
					return scan_fail(sc, p, "unpaired surrogate in string");
				p += 12;
				continue;
			}
			p += 6;
			continue;
		}
		if (c == 0)
			return scan_fail(sc, p, "NUL byte");
		if (c < 0x20)
			return scan_fail(sc, p, "control character in string");
		if (!(n = utf8_seq((const unsigned char *)t + p, len - p)))
			return scan_fail(sc, p, "invalid UTF-8");
		p += n;
	}
	return len;
}

/*
 * Lexes the number at t[p] (RFC 8259 grammar); integers must fit in 64 bits,
 * other numbers must be finite. Returns the offset after it, or 0.
 */
static size_t
scan_number(struct scan *sc, size_t p)
{
	const char *t = sc->t;
	size_t len = sc->len, start = p;
	unsigned long long v = 0, limit = INT64_MAX;
	bool integer = true;

	if (t[p] == '-') {
		limit = (unsigned long long)INT64_MAX + 1;
		p++;
	}
	if (p < len && t[p] == '0')
		p++;
	else if (p < len && is_digit(t[p]))
		while (p < len && is_digit(t[p]))
			p++;
	else
		return scan_fail(sc, start, "invalid number");
	if (p < len && t[p] == '.') {
		integer = false;
		if (++p >= len || !is_digit(t[p]))
			return scan_fail(sc, start, "invalid number");
		while (p < len && is_digit(t[p]))
			p++;
	}
	if (p < len && (t[p] == 'e' || t[p] == 'E')) {
		integer = false;
		if (++p < len && (t[p] == '+' || t[p] == '-'))
			p++;
		if (p >= len || !is_digit(t[p]))
			return scan_fail(sc, start, "invalid number");
		while (p < len && is_digit(t[p]))
			p++;
	}
	if (p < len && (is_alnum(t[p]) || t[p] == '.'))
		return scan_fail(sc, start, "invalid number");
	if (integer) {
		size_t i;

		for (i = start + (t[start] == '-'); i < p; i++) {
			unsigned d = (unsigned)(t[i] - '0');

			if (v > (limit - d) / 10)
				return scan_fail(sc, start, "number out of range");
			v = v * 10 + d;
		}
	} else if (!isfinite(strtod(t + start, NULL))) {
		/* t is NUL-terminated; no program calls setlocale(), so '.' is the point */
		return scan_fail(sc, start, "number out of range");
	}
	return p;
}

static size_t
scan_literal(struct scan *sc, size_t p)
{
	static const char *const words[] = { "true", "false", "null" };
	size_t q = p, i;

	while (q < sc->len && is_alnum(sc->t[q]))
		q++;
	for (i = 0; i < 3; i++)
		if (q - p == strlen(words[i]) && memcmp(sc->t + p, words[i], q - p) == 0)
			return q;
	return scan_fail(sc, p, "invalid literal");
}

static void
scan_open(struct scan *sc, size_t p, bool object)
{
	if (sc->deep || sc->depth == JSON_MAX_DEPTH) {
		sc->deep = true;
		return;
	}
	if (!object) {
		sc->stack[sc->depth++] = NO_OBJECT;
		return;
	}
	sc->obj = xgrow(sc->obj, sc->nobj + 1, &sc->aobj, sizeof(*sc->obj));
	sc->obj[sc->nobj].off = p;
	sc->obj[sc->nobj].n = 0;
	sc->stack[sc->depth++] = sc->nobj++;
}

/* Pass 1 (see the head comment). t[len] must be NUL. */
static void
scan(struct scan *sc, const char *t, size_t len)
{
	size_t p = 0, next;

	memset(sc, 0, sizeof(*sc));
	sc->t = t;
	sc->len = len;
	while (p < len) {
		char c = t[p];

		if (is_ws(c)) {
			p++;
			continue;
		}
		if (c == '\0') {
			scan_fail(sc, p, "NUL byte");
			return;
		}
		if (sc->done) {
			scan_fail(sc, p, "trailing content after the document");
			return;
		}
		next = p + 1;
		if (c == '"')
			next = scan_string(sc, p);
		else if (c == '-' || is_digit(c))
			next = scan_number(sc, p);
		else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
			next = scan_literal(sc, p);
		else if (c == '{' || c == '[')
			scan_open(sc, p, c == '{');
		else if ((c == '}' || c == ']') && !sc->deep && sc->depth > 0)
			sc->depth--;
		else if (c == ':' && !sc->deep && sc->depth > 0 &&
			 sc->stack[sc->depth - 1] != NO_OBJECT)
			sc->obj[sc->stack[sc->depth - 1]].n++;
		else if (!strchr("{}[]:,", c))	/* json-c takes 'single-quoted' keys */
			scan_fail(sc, p, "unexpected character");
		if (sc->err)
			return;
		/* a scalar or a container closed at the top level ends the document */
		if (!sc->deep && sc->depth == 0 && c != ',' && c != ':')
			sc->done = true;
		p = next;
	}
}

static void
position(const char *t, size_t off, unsigned long *line, unsigned long *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off; i++) {
		if (t[i] == '\n') {
			++*line;
			*col = 1;
		} else if (((unsigned char)t[i] & 0xc0) != 0x80) {
			++*col;
		}
	}
}

static void
fail_at(struct errmsg *e, const char *what, const char *t, size_t off, const char *why,
	const char *key)
{
	unsigned long line, col;

	position(t, off, &line, &col);
	if (key)
		errmsg_set(e, "%s: invalid JSON at line %lu column %lu: %s '%s'", what, line, col,
			   why, key);
	else
		errmsg_set(e, "%s: invalid JSON at line %lu column %lu: %s", what, line, col, why);
}

struct conv {
	const struct scan *sc;
	size_t next;		/* pre-order index of the next object */
	size_t dup_off;
	char *dup_key;
};

struct keyat {
	char *key;
	size_t off;
};

static int
keyat_cmp(const void *a, const void *b)
{
	const struct keyat *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	if (c)
		return c;
	return x->off < y->off ? -1 : x->off > y->off;
}

/* Offset after the string starting at t[p] == '"' (already validated). */
static size_t
skip_string(const char *t, size_t len, size_t p)
{
	for (p++; p < len; p++) {
		if (t[p] == '\\')
			p++;
		else if (t[p] == '"')
			return p + 1;
	}
	return len;
}

/* Finds the first repeated key of the object whose '{' is at t[off]. */
static void
find_dup(struct conv *cv, size_t off)
{
	const char *t = cv->sc->t;
	size_t len = cv->sc->len, p = off + 1, depth = 1, n = 0, alloc = 0, i, s;
	struct json_tokener *tok = json_tokener_new();
	struct keyat *keys = NULL;
	bool expect_key = true;

	cv->dup_off = off;
	while (p < len && depth > 0) {
		char c = t[p];

		if (c == '"') {
			s = p;
			p = skip_string(t, len, p);
			if (depth == 1 && expect_key) {
				struct json_object *k = NULL;

				if (tok) {	/* decode the key the way json-c did */
					json_tokener_reset(tok);
					k = json_tokener_parse_ex(tok, t + s, (int)(p - s));
				}
				keys = xgrow(keys, n + 1, &alloc, sizeof(*keys));
				keys[n].key = k ? xstrdup(json_object_get_string(k))
						: xstrndup(t + s, p - s);
				keys[n++].off = s;
				json_object_put(k);
				expect_key = false;
			}
			continue;
		}
		if (c == '{' || c == '[')
			depth++;
		else if (c == '}' || c == ']')
			depth--;
		else if (c == ',' && depth == 1)
			expect_key = true;
		p++;
	}
	if (tok)
		json_tokener_free(tok);
	if (n)
		qsort(keys, n, sizeof(*keys), keyat_cmp);
	for (i = 1; i < n; i++)
		if (strcmp(keys[i].key, keys[i - 1].key) == 0 &&
		    (!cv->dup_key || keys[i].off < cv->dup_off)) {
			free(cv->dup_key);
			cv->dup_key = xstrdup(keys[i].key);
			cv->dup_off = keys[i].off;
		}
	for (i = 0; i < n; i++)
		free(keys[i].key);
	free(keys);
	if (!cv->dup_key)	/* cannot happen: the counts differed */
		cv->dup_key = xstrdup("?");
}

/* Pass 2: json-c's tree into v (zeroed by the caller; jv_free-safe on error). */
static int
convert(struct conv *cv, struct json_object *o, struct jv *v)
{
	struct json_object_iterator it, end;
	size_t n, i;

	switch (json_object_get_type(o)) {
	case json_type_null:
		v->type = JV_NULL;
		return 0;
	case json_type_boolean:
		v->type = JV_BOOL;
		v->b = json_object_get_boolean(o);
		return 0;
	case json_type_int:	/* the lexer checked the range */
		v->type = JV_INT;
		v->i = (long long)json_object_get_int64(o);
		v->d = (double)v->i;
		return 0;
	case json_type_double:	/* the lexer checked it is finite */
		v->type = JV_DOUBLE;
		v->d = json_object_get_double(o);
		return 0;
	case json_type_string:	/* the lexer checked UTF-8 and NUL */
		v->type = JV_STRING;
		v->s = xstrndup(json_object_get_string(o), (size_t)json_object_get_string_len(o));
		return 0;
	case json_type_array:
		v->type = JV_ARRAY;
		n = json_object_array_length(o);
		v->items = xcalloc(n, sizeof(*v->items));
		for (i = 0; i < n; i++) {
			v->n = i + 1;
			if (convert(cv, json_object_array_get_idx(o, i), &v->items[i]) == -1)
				return -1;
		}
		return 0;
	case json_type_object:
		v->type = JV_OBJECT;
		i = cv->next++;
		n = (size_t)json_object_object_length(o);
		if (cv->sc->deep || i >= cv->sc->nobj)	/* cannot happen: json-c parsed it */
			return -1;
		if (cv->sc->obj[i].n != n) {
			find_dup(cv, cv->sc->obj[i].off);
			return -1;
		}
		v->items = xcalloc(n, sizeof(*v->items));
		v->keys = xcalloc(n, sizeof(*v->keys));
		it = json_object_iter_begin(o);
		end = json_object_iter_end(o);
		for (i = 0; i < n && !json_object_iter_equal(&it, &end); i++) {
			v->keys[i] = xstrdup(json_object_iter_peek_name(&it));
			v->n = i + 1;
			if (convert(cv, json_object_iter_peek_value(&it), &v->items[i]) == -1)
				return -1;
			json_object_iter_next(&it);
		}
		return 0;
	}
	return -1;
}


/*
 * ---- The quick path --------------------------------------------------------------
 *
 * One pass that builds the tree directly, for documents that are valid under
 * every rule above: it gives up (-1, nothing kept) at the first thing that is
 * not plainly valid, and json_parse() then takes the two-pass way, which
 * finds and words the error. So the quick path decides nothing on its own: a
 * document it accepts is one the two-pass way accepts with the same tree
 * (tests/fuzz/fuzz_json.c holds it to that). It exists because evidence logs
 * are read by the hundred thousand (cyberbaseline history ingest), and
 * json-c's tree plus its conversion cost three times the time of this pass.
 */
struct quick {
	const char *t;
	size_t len, p;
};

static void
quick_ws(struct quick *q)
{
	while (q->p < q->len && is_ws(q->t[q->p]))
		q->p++;
}

/* Appends code point u as UTF-8. */
static size_t
put_utf8(char *o, unsigned long u)
{
	if (u < 0x80) {
		o[0] = (char)u;
		return 1;
	}
	if (u < 0x800) {
		o[0] = (char)(0xc0 | (u >> 6));
		o[1] = (char)(0x80 | (u & 0x3f));
		return 2;
	}
	if (u < 0x10000) {
		o[0] = (char)(0xe0 | (u >> 12));
		o[1] = (char)(0x80 | ((u >> 6) & 0x3f));
		o[2] = (char)(0x80 | (u & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (u >> 18));
	o[1] = (char)(0x80 | ((u >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((u >> 6) & 0x3f));
	o[3] = (char)(0x80 | (u & 0x3f));
	return 4;
}

/* The string at t[p] == '"', decoded into a new NUL-terminated buffer; NULL to give up. */
static char *
quick_string(struct quick *q)
{
	const char *t = q->t;
	size_t p = q->p + 1, end, n, o = 0;
	bool plain = true;
	char *out;

	/* find the end and check the bytes once */
	for (end = p; end < q->len; end++) {
		unsigned char c = (unsigned char)t[end];

		if (c == '"')
			break;
		if (c == '\\') {
			plain = false;
			end++;
			continue;
		}
		if (c < 0x20)
			return NULL;
		if (c >= 0x80) {
			if (!(n = utf8_seq((const unsigned char *)t + end, q->len - end)))
				return NULL;
			end += n - 1;
		}
	}
	if (end >= q->len)
		return NULL;
	out = xmalloc(end - p + 1);
	if (plain) {
		memcpy(out, t + p, end - p);
		out[end - p] = '\0';
		q->p = end + 1;
		return out;
	}
	while (p < end) {
		long u, lo;

		if (t[p] != '\\') {
			out[o++] = t[p++];
			continue;
		}
		switch (t[p + 1]) {
		case '"': out[o++] = '"'; p += 2; continue;
		case '\\': out[o++] = '\\'; p += 2; continue;
		case '/': out[o++] = '/'; p += 2; continue;
		case 'b': out[o++] = '\b'; p += 2; continue;
		case 'f': out[o++] = '\f'; p += 2; continue;
		case 'n': out[o++] = '\n'; p += 2; continue;
		case 'r': out[o++] = '\r'; p += 2; continue;
		case 't': out[o++] = '\t'; p += 2; continue;
		case 'u': break;
		default: goto fail;
		}
		if ((u = escape_u(t, end, p)) <= 0 || (u >= 0xdc00 && u <= 0xdfff))
			goto fail;
		if (u >= 0xd800 && u <= 0xdbff) {
			lo = escape_u(t, end, p + 6);
			if (lo < 0xdc00 || lo > 0xdfff)
				goto fail;
			u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
			p += 6;
		}
		p += 6;
		/* an escape of 6 or 12 bytes never decodes to more than 4 */
		o += put_utf8(out + o, (unsigned long)u);
	}
	out[o] = '\0';
	q->p = end + 1;
	return out;
fail:
	free(out);
	return NULL;
}

static int
quick_number(struct quick *q, struct jv *v)
{
	const char *t = q->t;
	size_t p = q->p, start = p;
	unsigned long long u = 0, limit = INT64_MAX;
	bool integer = true, neg = false;
	char tmp[64];

	if (t[p] == '-') {
		neg = true;
		limit = (unsigned long long)INT64_MAX + 1;
		p++;
	}
	if (p < q->len && t[p] == '0')
		p++;
	else if (p < q->len && is_digit(t[p]))
		while (p < q->len && is_digit(t[p]))
			p++;
	else
		return -1;
	if (p < q->len && t[p] == '.') {
		integer = false;
		if (++p >= q->len || !is_digit(t[p]))
			return -1;
		while (p < q->len && is_digit(t[p]))
			p++;
	}
	if (p < q->len && (t[p] == 'e' || t[p] == 'E')) {
		integer = false;
		if (++p < q->len && (t[p] == '+' || t[p] == '-'))
			p++;
		if (p >= q->len || !is_digit(t[p]))
			return -1;
		while (p < q->len && is_digit(t[p]))
			p++;
	}
	if (p < q->len && (is_alnum(t[p]) || t[p] == '.'))
		return -1;
	if (integer) {
		size_t i;

		for (i = start + neg; i < p; i++) {
			unsigned d = (unsigned)(t[i] - '0');

			if (u > (limit - d) / 10)
				return -1;
			u = u * 10 + d;
		}
		v->type = JV_INT;
		v->i = neg ? (long long)(0 - u) : (long long)u;
		v->d = (double)v->i;
	} else {
		if (p - start >= sizeof(tmp))
			return -1;	/* long forms: json-c's own reading decides */
		memcpy(tmp, t + start, p - start);
		tmp[p - start] = '\0';
		v->type = JV_DOUBLE;
		v->d = strtod(tmp, NULL);
		if (!isfinite(v->d))
			return -1;
	}
	q->p = p;
	return 0;
}

static bool
quick_word(struct quick *q, const char *w)
{
	size_t n = strlen(w);

	if (q->len - q->p < n || memcmp(q->t + q->p, w, n) != 0 ||
	    (q->p + n < q->len && is_alnum(q->t[q->p + n])))
		return false;
	q->p += n;
	return true;
}

/* Objects with more members than this take the two-pass way (duplicate check). */
#define QUICK_MAX_MEMBERS 64

/* A value at nesting `depth` (json-c's count); -1 to give up (v is jv_clear-safe). */
static int
quick_value(struct quick *q, struct jv *v, size_t depth)
{
	size_t alloc = 0, kalloc = 0, i, klen;
	uint32_t khash[QUICK_MAX_MEMBERS], hk = 0;
	char c;

	if (depth > JSON_MAX_DEPTH || q->p >= q->len)
		return -1;
	c = q->t[q->p];
	if (c == '"') {
		v->type = JV_STRING;
		return (v->s = quick_string(q)) ? 0 : -1;
	}
	if (c == '-' || is_digit(c))
		return quick_number(q, v);
	if (c == 't' || c == 'f') {
		v->type = JV_BOOL;
		v->b = c == 't';
		return quick_word(q, c == 't' ? "true" : "false") ? 0 : -1;
	}
	if (c == 'n') {
		v->type = JV_NULL;
		return quick_word(q, "null") ? 0 : -1;
	}
	if (c != '[' && c != '{')
		return -1;
	v->type = c == '[' ? JV_ARRAY : JV_OBJECT;
	q->p++;
	quick_ws(q);
	if (q->p < q->len && q->t[q->p] == (c == '[' ? ']' : '}')) {
		q->p++;
		return 0;
	}
	for (;;) {
		char *key = NULL;

		if (c == '{') {
			if (q->p >= q->len || q->t[q->p] != '"' || !(key = quick_string(q)))
				return -1;
			/* a duplicate gives up: compare a cheap hash first, then the bytes */
			klen = strlen(key);
			hk = (uint32_t)klen;
			for (i = 0; i < klen; i++)
				hk = hk * 31 + (unsigned char)key[i];
			for (i = 0; i < v->n && i < QUICK_MAX_MEMBERS; i++)
				if (khash[i] == hk && strcmp(v->keys[i], key) == 0)
					break;
			if (i < v->n || v->n == QUICK_MAX_MEMBERS) {
				free(key);
				return -1;
			}
			quick_ws(q);
			if (q->p >= q->len || q->t[q->p] != ':') {
				free(key);
				return -1;
			}
			q->p++;
			quick_ws(q);
		}
		v->items = xgrow(v->items, v->n + 1, &alloc, sizeof(*v->items));
		if (c == '{')
			v->keys = xgrow(v->keys, v->n + 1, &kalloc, sizeof(*v->keys));
		memset(&v->items[v->n], 0, sizeof(*v->items));
		if (c == '{') {
			v->keys[v->n] = key;
			khash[v->n] = hk;
		}
		v->n++;
		if (quick_value(q, &v->items[v->n - 1], depth + 1) == -1)
			return -1;
		quick_ws(q);
		if (q->p >= q->len)
			return -1;
		if (q->t[q->p] == ',') {
			q->p++;
			quick_ws(q);
			continue;
		}
		if (q->t[q->p] != (c == '[' ? ']' : '}'))
			return -1;
		q->p++;
		return 0;
	}
}

int
json_parse_quick(const char *text, size_t len, struct jv **out)
{
	struct quick q = { text, len, 0 };
	struct jv *v;

	*out = NULL;
	if (len > JSON_MAX_FILE || memchr(text, '\0', len))
		return -1;
	v = xcalloc(1, sizeof(*v));
	quick_ws(&q);
	if (quick_value(&q, v, 1) == -1)
		goto fail;
	quick_ws(&q);
	if (q.p != len)
		goto fail;
	*out = v;
	return 0;
fail:
	jv_free(v);
	return -1;
}

int
json_parse_reference(const char *text, size_t len, const char *what, struct jv **out, struct errmsg *e)
{
	struct json_tokener *tok;
	struct json_object *jo;
	enum json_tokener_error jerr;
	struct scan sc;
	struct conv cv = { 0 };
	size_t jend;
	char *buf;
	int rc = -1;

	*out = NULL;
	if (len > JSON_MAX_FILE) {
		errmsg_set(e, "%s: larger than %u bytes", what, JSON_MAX_FILE);
		return -1;
	}
	buf = xmalloc(len + 1);
	memcpy(buf, text, len);
	buf[len] = '\0';
	scan(&sc, buf, len);

	tok = json_tokener_new_ex(JSON_MAX_DEPTH);
	if (!tok) {
		errmsg_set(e, "%s: out of memory", what);
		goto out;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	/* the terminating NUL tells json-c the input ends (else "123" stays pending) */
	jo = json_tokener_parse_ex(tok, buf, (int)len + 1);
	jerr = json_tokener_get_error(tok);
	jend = json_tokener_get_parse_end(tok);
	if (jend > len)
		jend = len;
	json_tokener_free(tok);
	if (jerr != json_tokener_success) {	/* (jo is NULL also for a valid "null") */
		json_object_put(jo);
		jo = NULL;
	}
	if (sc.err && (jerr == json_tokener_success || sc.err_off <= jend)) {
		fail_at(e, what, buf, sc.err_off, sc.err, NULL);
		json_object_put(jo);
		goto out;
	}
	if (jerr != json_tokener_success) {
		fail_at(e, what, buf, jend, json_tokener_error_desc(jerr), NULL);
		goto out;
	}
	cv.sc = &sc;
	*out = xcalloc(1, sizeof(**out));
	if (convert(&cv, jo, *out) == -1) {
		if (cv.dup_key)
			fail_at(e, what, buf, cv.dup_off, "duplicate key", cv.dup_key);
		else	/* cannot happen: the lexer and json-c disagree */
			fail_at(e, what, buf, 0, "internal error", NULL);
		jv_free(*out);
		*out = NULL;
	} else {
		rc = 0;
	}
	json_object_put(jo);
out:
	free(cv.dup_key);
	free(sc.obj);
	free(buf);
	return rc;
}

int
json_parse(const char *text, size_t len, const char *what, struct jv **out, struct errmsg *e)
{
	if (json_parse_quick(text, len, out) == 0)
		return 0;
	return json_parse_reference(text, len, what, out, e);
}

int
json_load_file(const char *path, const char *what, struct jv **out, char *sha256_hex,
	       struct errmsg *e)
{
	char *data, *name;
	size_t len;
	int rc;

	*out = NULL;
	if (util_read_file(path, what, JSON_MAX_FILE, &data, &len, e) == -1)
		return -1;
	if (sha256_hex)
		digest_sha256_hex(data, len, sha256_hex);
	name = xasprintf("%s '%s'", what, path);
	rc = json_parse(data, len, name, out, e);
	free(name);
	free(data);
	return rc;
}

static void
jv_clear(struct jv *v)
{
	size_t i;

	switch (v->type) {
	case JV_STRING:
		free(v->s);
		break;
	case JV_ARRAY:
	case JV_OBJECT:
		for (i = 0; i < v->n; i++) {
			jv_clear(&v->items[i]);
			if (v->keys)
				free(v->keys[i]);
		}
		free(v->items);
		free(v->keys);
		break;
	default:
		break;
	}
}

void
jv_free(struct jv *v)
{
	if (!v)
		return;
	jv_clear(v);
	free(v);
}

const struct jv *
jv_get(const struct jv *v, const char *key)
{
	size_t i;

	if (!v || v->type != JV_OBJECT)
		return NULL;
	for (i = 0; i < v->n; i++)
		if (v->keys[i][0] == key[0] && strcmp(v->keys[i], key) == 0)
			return &v->items[i];
	return NULL;
}

const char *
jv_type_name(enum jv_type t)
{
	switch (t) {
	case JV_NULL:
		return "null";
	case JV_BOOL:
		return "boolean";
	case JV_INT:
		return "integer";
	case JV_DOUBLE:
		return "number";
	case JV_STRING:
		return "string";
	case JV_ARRAY:
		return "array";
	case JV_OBJECT:
		return "object";
	}
	return "unknown";
}

/*
 * Escapes '"', '\\' and every byte below 0x20 (\n \t \r short, the rest
 * \u00XX); valid UTF-8 passes through, and a byte that is not part of valid
 * UTF-8 becomes \ufffd, so that the output is always valid JSON.
 */
void
json_put_str(struct sbuf *sb, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t run = 0, left, n;

	if (!s) {
		sbuf_addstr(sb, "null");
		return;
	}
	left = strlen(s);
	sbuf_addch(sb, '"');
	while (left) {
		if (p[run] >= 0x20 && p[run] != '"' && p[run] != '\\' && p[run] < 0x80) {
			run++;
			left--;
			continue;
		}
		if (p[run] >= 0x80 && (n = utf8_seq(p + run, left)) != 0) {
			run += n;
			left -= n;
			continue;
		}
		sbuf_add(sb, p, run);
		p += run;
		run = 0;
		switch (*p) {
		case '"':
			sbuf_addstr(sb, "\\\"");
			break;
		case '\\':
			sbuf_addstr(sb, "\\\\");
			break;
		case '\n':
			sbuf_addstr(sb, "\\n");
			break;
		case '\t':
			sbuf_addstr(sb, "\\t");
			break;
		case '\r':
			sbuf_addstr(sb, "\\r");
			break;
		default:
			if (*p < 0x20)
				sbuf_addf(sb, "\\u%04x", *p);
			else
				sbuf_addstr(sb, "\\ufffd");
			break;
		}
		p++;
		left--;
	}
	sbuf_add(sb, p, run);
	sbuf_addch(sb, '"');
}

void
json_put_key(struct sbuf *sb, const char *key)
{
	json_put_str(sb, key);
	sbuf_addch(sb, ':');
}
