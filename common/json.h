#ifndef CB_JSON_H
#define CB_JSON_H
/*
 * JSON in and out. Reading uses json-c (included here and nowhere else) and
 * converts the document into our own tree, so that no json-c type leaves this
 * module; writing escapes into an sbuf.
 *
 * Caps: JSON_MAX_FILE bytes per file, JSON_MAX_DEPTH nesting levels (json-c's
 * count: every value on the path from the root, the innermost scalar too).
 * Strict: RFC 8259 only (no NaN, comments, trailing commas or content after
 * the document), valid UTF-8, no NUL, integers within 64 bits, unique keys.
 */
#include <stdbool.h>
#include <stddef.h>

struct errmsg;
struct sbuf;

#define JSON_MAX_FILE (4u * 1024 * 1024)
#define JSON_MAX_DEPTH 32

enum jv_type { JV_NULL, JV_BOOL, JV_INT, JV_DOUBLE, JV_STRING, JV_ARRAY, JV_OBJECT };

struct jv {
	enum jv_type type;
	bool b;
	long long i;		/* JV_INT */
	double d;		/* JV_DOUBLE, and JV_INT as a double */
	char *s;		/* JV_STRING, valid UTF-8, NUL-free */
	struct jv *items;	/* JV_ARRAY elements, JV_OBJECT values */
	char **keys;		/* JV_OBJECT keys, same order as in the file */
	size_t n;		/* number of items (and keys) */
};

/*
 * Parses `len` bytes of `text` as one JSON document. `what` names the source
 * in messages ("baseline 'x.json'"). On error returns -1 with e.g.
 * "baseline 'x.json': invalid JSON at line 3 column 5: unexpected character".
 * Duplicate keys in an object are an error. The caller owns *out (jv_free).
 */
int json_parse(const char *text, size_t len, const char *what, struct jv **out,
	       struct errmsg *e);
/*
 * The two ways json_parse() takes, for tests/fuzz/fuzz_json.c: the quick one
 * (one pass, gives up with -1 on anything unusual, never says why) and the
 * reference one (our lexer and json-c, which words every error). A document
 * the quick way accepts must give the reference way's tree.
 */
int json_parse_quick(const char *text, size_t len, struct jv **out);
int json_parse_reference(const char *text, size_t len, const char *what, struct jv **out,
			 struct errmsg *e);
/*
 * Reads and parses a file (size-capped, no symlink), and gives the SHA-256
 * of its bytes in hex (65 bytes with NUL). `what` is e.g. "baseline".
 */
int json_load_file(const char *path, const char *what, struct jv **out, char *sha256_hex,
		   struct errmsg *e);
void jv_free(struct jv *v);

/* Member of an object, or NULL (also when v is not an object). */
const struct jv *jv_get(const struct jv *v, const char *key);
const char *jv_type_name(enum jv_type t);

/*
 * Appends s as a quoted JSON string: '"', '\\' and control characters escaped,
 * valid UTF-8 as is, any other byte as \ufffd (the output is always valid JSON).
 */
void json_put_str(struct sbuf *sb, const char *s);
/* Appends "key": with a quoted key. */
void json_put_key(struct sbuf *sb, const char *key);

#endif
