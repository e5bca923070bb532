#ifndef CB_FACTS_H
#define CB_FACTS_H
/*
 * Typed facts gathered by a probe, by name ("ssh.kex", "ssh.version"). A
 * fact the probe could not gather is stored with a reason instead of a
 * value: every rule that reads it evaluates to "unknown", never to pass.
 */
#include <stdbool.h>
#include <stddef.h>

#include "util.h"

enum fact_type { FACT_BOOL, FACT_INT, FACT_NUM, FACT_STR, FACT_LIST };

struct fact {
	char *name;
	enum fact_type type;
	bool ok;		/* false: not gathered, see reason */
	char *reason;
	bool b;
	long long i;
	double num;
	char *s;
	char **list;
	size_t nlist;
};

struct facts {
	struct fact *v;
	size_t n;
	size_t alloc;
};

void facts_init(struct facts *f);
void facts_release(struct facts *f);
/* Setters copy name and values; setting a name again replaces the fact. */
void facts_set_bool(struct facts *f, const char *name, bool v);
void facts_set_int(struct facts *f, const char *name, long long v);
void facts_set_num(struct facts *f, const char *name, double v);
void facts_set_str(struct facts *f, const char *name, const char *v);
void facts_set_list(struct facts *f, const char *name, const char *const *items, size_t n);
void facts_set_error(struct facts *f, const char *name, const char *fmt, ...) CB_PRINTF(3, 4);
/* The fact, or NULL when the probe never set it. */
const struct fact *facts_get(const struct facts *f, const char *name);
/* The value as text for "observed" ("a, b, c" for lists); appends to sb. */
void fact_format(const struct fact *fa, struct sbuf *sb);

#endif
