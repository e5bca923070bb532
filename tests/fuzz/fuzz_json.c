/*
 * Fuzzes the JSON reader (common/json.c) against itself: the quick path may
 * give up on anything, but a document it accepts must be accepted by the
 * reference path (our lexer and json-c) with exactly the same tree: types,
 * values (doubles bit for bit), strings, keys and their order.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "util.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
same(const struct jv *a, const struct jv *b)
{
	size_t i;

	if (a->type != b->type || a->n != b->n)
		return 0;
	switch (a->type) {
	case JV_NULL:
		return 1;
	case JV_BOOL:
		return a->b == b->b;
	case JV_INT:
		return a->i == b->i && memcmp(&a->d, &b->d, sizeof(a->d)) == 0;
	case JV_DOUBLE:
		return memcmp(&a->d, &b->d, sizeof(a->d)) == 0;
	case JV_STRING:
		return strcmp(a->s, b->s) == 0;
	case JV_ARRAY:
	case JV_OBJECT:
		for (i = 0; i < a->n; i++) {
			if (a->type == JV_OBJECT && strcmp(a->keys[i], b->keys[i]) != 0)
				return 0;
			if (!same(&a->items[i], &b->items[i]))
				return 0;
		}
		return 1;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jv *quick = NULL, *ref = NULL;
	struct errmsg e;
	int rq, rr;

	rq = json_parse_quick((const char *)data, size, &quick);
	rr = json_parse_reference((const char *)data, size, "fuzz", &ref, &e);
	if (rq == 0 && rr != 0)
		abort();	/* the quick path accepted what the reference refuses */
	if (rq == 0 && !same(quick, ref))
		abort();	/* ... or read it differently */
	jv_free(quick);
	jv_free(ref);
	return 0;
}
