/* Typed facts gathered by a probe. */
#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "banned.h"

void
facts_init(struct facts *f)
{
	f->v = NULL;
	f->n = 0;
	f->alloc = 0;
}

static void
fact_clear(struct fact *fa)
{
	size_t i;

	free(fa->reason);
	free(fa->s);
	for (i = 0; i < fa->nlist; i++)
		free(fa->list[i]);
	free(fa->list);
	fa->reason = NULL;
	fa->s = NULL;
	fa->list = NULL;
	fa->nlist = 0;
}

void
facts_release(struct facts *f)
{
	size_t i;

	if (!f)
		return;
	for (i = 0; i < f->n; i++) {
		fact_clear(&f->v[i]);
		free(f->v[i].name);
	}
	free(f->v);
	facts_init(f);
}

/* The slot for name, emptied, created when new. */
static struct fact *
slot(struct facts *f, const char *name, enum fact_type type)
{
	struct fact *fa = NULL;
	size_t i;

	for (i = 0; i < f->n && !fa; i++)
		if (strcmp(f->v[i].name, name) == 0)
			fa = &f->v[i];
	if (fa) {
		fact_clear(fa);
	} else {
		f->v = xgrow(f->v, f->n + 1, &f->alloc, sizeof(*f->v));
		fa = &f->v[f->n++];
		memset(fa, 0, sizeof(*fa));
		fa->name = xstrdup(name);
	}
	fa->type = type;
	fa->ok = true;
	return fa;
}

void
facts_set_bool(struct facts *f, const char *name, bool v)
{
	slot(f, name, FACT_BOOL)->b = v;
}

void
facts_set_int(struct facts *f, const char *name, long long v)
{
	struct fact *fa = slot(f, name, FACT_INT);

	fa->i = v;
	fa->num = (double)v;
}

void
facts_set_num(struct facts *f, const char *name, double v)
{
	slot(f, name, FACT_NUM)->num = v;
}

void
facts_set_str(struct facts *f, const char *name, const char *v)
{
	slot(f, name, FACT_STR)->s = xstrdup(v);
}

void
facts_set_list(struct facts *f, const char *name, const char *const *items, size_t n)
{
	struct fact *fa = slot(f, name, FACT_LIST);
	size_t i;

	fa->list = xcalloc(n ? n : 1, sizeof(*fa->list));
	for (i = 0; i < n; i++)
		fa->list[i] = xstrdup(items[i]);
	fa->nlist = n;
}

void
facts_set_error(struct facts *f, const char *name, const char *fmt, ...)
{
	struct fact *fa = slot(f, name, FACT_STR);
	va_list ap;

	fa->ok = false;
	va_start(ap, fmt);
	fa->reason = xvasprintf(fmt, ap);
	va_end(ap);
}

const struct fact *
facts_get(const struct facts *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->v[i].name, name) == 0)
			return &f->v[i];
	return NULL;
}

void
fact_format(const struct fact *fa, struct sbuf *sb)
{
	size_t i;

	if (!fa->ok) {
		sbuf_addstr(sb, "(not gathered)");
		return;
	}
	switch (fa->type) {
	case FACT_BOOL:
		sbuf_addstr(sb, fa->b ? "true" : "false");
		break;
	case FACT_INT:
		sbuf_addf(sb, "%lld", fa->i);
		break;
	case FACT_NUM:
		sbuf_addf(sb, "%.15g", fa->num);
		break;
	case FACT_STR:
		sbuf_addstr(sb, fa->s);
		break;
	case FACT_LIST:
		if (fa->nlist == 0)
			sbuf_addstr(sb, "(none)");
		for (i = 0; i < fa->nlist; i++) {
			if (i)
				sbuf_addstr(sb, ", ");
			sbuf_addstr(sb, fa->list[i]);
		}
		break;
	}
}
