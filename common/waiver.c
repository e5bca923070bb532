/*
 * Waivers: loading, validation and matching.
 *
 * Dates are calendar days in UTC. A waiver applies from `created` (inclusive)
 * until `expires` (exclusive: it lapses at 00:00 UTC on the expiry date), and
 * `expires` may be at most one year after `created`: the same month and day
 * of the next year at the latest. When that day does not exist (created on
 * 29 February), the limit is 28 February of the next year: one year from a
 * leap day never reaches into March.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "json.h"
#include "util.h"
#include "waiver.h"
#include "banned.h"

#define WAIVERS_MAX 10000
#define WAIVER_HOST_MAX 255	/* a pattern over a host name (at most 253) */

static const char *const waiver_keys[] = {
	"control", "host", "justification", "approved_by", "ticket", "created", "expires",
};

struct ctx {
	const char *what;	/* "waivers 'w.json'" */
	struct errmsg *e;
};

/* The last day `expires` may have for a waiver created on `created` (valid). */
static long
one_year_after(const char *created)
{
	unsigned y, m, d;
	char next[16];

	if (sscanf(created, "%4u-%2u-%2u", &y, &m, &d) != 3)
		return -1;
	if (y >= 9999)		/* beyond the format: nothing can be later */
		return util_date_days("9999-12-31");
	y++;
	if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		d = 28;
	snprintf(next, sizeof(next), "%04u-%02u-%02u", y, m, d);
	return util_date_days(next);
}

/* A required (or, with required false, optional) non-empty string member. */
static int
get_str(const struct ctx *cx, const struct jv *obj, size_t i, const char *key, bool required,
	char **out)
{
	const struct jv *v = jv_get(obj, key);

	*out = NULL;
	if (!v) {
		if (!required)
			return 0;
		errmsg_set(cx->e, "%s: waivers[%zu].%s: missing", cx->what, i, key);
		return -1;
	}
	if (v->type != JV_STRING || !*v->s) {
		errmsg_set(cx->e, "%s: waivers[%zu].%s: expected a non-empty string", cx->what, i,
			   key);
		return -1;
	}
	*out = xstrdup(v->s);
	return 0;
}

static void
waiver_release(struct waiver *w)
{
	free(w->control);
	free(w->host);
	free(w->justification);
	free(w->approved_by);
	free(w->ticket);
	free(w->created);
	free(w->expires);
	memset(w, 0, sizeof(*w));
}

static int
load_one(const struct ctx *cx, const struct jv *v, size_t i, const struct baseline *b,
	 struct waiver *w)
{
	long created, expires, limit;
	size_t k, j;

	memset(w, 0, sizeof(*w));
	w->index = i;
	if (v->type != JV_OBJECT) {
		errmsg_set(cx->e, "%s: waivers[%zu]: expected an object", cx->what, i);
		return -1;
	}
	for (k = 0; k < v->n; k++) {
		for (j = 0; j < sizeof(waiver_keys) / sizeof(waiver_keys[0]); j++)
			if (strcmp(v->keys[k], waiver_keys[j]) == 0)
				break;
		if (j == sizeof(waiver_keys) / sizeof(waiver_keys[0])) {
			errmsg_set(cx->e, "%s: waivers[%zu].%s: unknown key", cx->what, i,
				   v->keys[k]);
			return -1;
		}
	}
	if (get_str(cx, v, i, "control", true, &w->control) == -1 ||
	    get_str(cx, v, i, "host", true, &w->host) == -1 ||
	    get_str(cx, v, i, "justification", true, &w->justification) == -1 ||
	    get_str(cx, v, i, "approved_by", true, &w->approved_by) == -1 ||
	    get_str(cx, v, i, "ticket", false, &w->ticket) == -1 ||
	    get_str(cx, v, i, "created", true, &w->created) == -1 ||
	    get_str(cx, v, i, "expires", true, &w->expires) == -1)
		return -1;
	if (strlen(w->host) > WAIVER_HOST_MAX) {
		errmsg_set(cx->e, "%s: waivers[%zu].host: longer than %d characters", cx->what, i,
			   WAIVER_HOST_MAX);
		return -1;
	}
	if (b && !baseline_find(b, w->control)) {
		errmsg_set(cx->e, "%s: waivers[%zu].control: unknown control '%s'", cx->what, i,
			   w->control);
		return -1;
	}
	if ((created = util_date_days(w->created)) < 0) {
		errmsg_set(cx->e, "%s: waivers[%zu].created: '%s' is not a valid date (YYYY-MM-DD)",
			   cx->what, i, w->created);
		return -1;
	}
	if ((expires = util_date_days(w->expires)) < 0) {
		errmsg_set(cx->e, "%s: waivers[%zu].expires: '%s' is not a valid date (YYYY-MM-DD)",
			   cx->what, i, w->expires);
		return -1;
	}
	if (expires <= created) {
		errmsg_set(cx->e, "%s: waivers[%zu].expires: not after created (%s)", cx->what, i,
			   w->created);
		return -1;
	}
	limit = one_year_after(w->created);
	if (limit < 0 || expires > limit) {
		errmsg_set(cx->e, "%s: waivers[%zu].expires: more than one year after created (%s)",
			   cx->what, i, w->created);
		return -1;
	}
	return 0;
}

static int
load_doc(struct waivers *w, const struct jv *doc, const char *what, const struct baseline *b,
	 struct errmsg *e)
{
	const struct ctx cx = { what, e };
	const struct jv *list;
	size_t i;

	if (doc->type != JV_OBJECT) {
		errmsg_set(e, "%s: expected an object {\"waivers\": [...]}", what);
		return -1;
	}
	for (i = 0; i < doc->n; i++)
		if (strcmp(doc->keys[i], "waivers") != 0) {
			errmsg_set(e, "%s: %s: unknown key", what, doc->keys[i]);
			return -1;
		}
	if (!(list = jv_get(doc, "waivers"))) {
		errmsg_set(e, "%s: waivers: missing", what);
		return -1;
	}
	if (list->type != JV_ARRAY) {
		errmsg_set(e, "%s: waivers: expected an array", what);
		return -1;
	}
	if (list->n > WAIVERS_MAX) {
		errmsg_set(e, "%s: waivers: more than %d waivers", what, WAIVERS_MAX);
		return -1;
	}
	w->v = xcalloc(list->n, sizeof(*w->v));
	for (i = 0; i < list->n; i++) {
		if (load_one(&cx, &list->items[i], i, b, &w->v[i]) == -1) {
			waiver_release(&w->v[i]);
			return -1;
		}
		w->n++;
	}
	return 0;
}

int
waivers_load(struct waivers *w, const char *path, const struct baseline *b, struct errmsg *e)
{
	struct jv *doc;
	char *what;
	int rc;

	memset(w, 0, sizeof(*w));
	if (json_load_file(path, "waivers", &doc, w->sha256, e) == -1) {
		memset(w->sha256, 0, sizeof(w->sha256));
		return -1;
	}
	what = xasprintf("waivers '%s'", path);
	w->path = xstrdup(path);
	rc = load_doc(w, doc, what, b, e);
	free(what);
	jv_free(doc);
	if (rc == -1)
		waivers_release(w);
	return rc;
}

int
waivers_load_buf(struct waivers *w, const char *text, size_t len, const char *name,
		 const struct baseline *b, struct errmsg *e)
{
	struct jv *doc;
	char *what;
	int rc;

	memset(w, 0, sizeof(*w));
	what = xasprintf("waivers '%s'", name);
	rc = json_parse(text, len, what, &doc, e);
	if (rc == 0) {
		w->path = xstrdup(name);
		digest_sha256_hex(text, len, w->sha256);
		rc = load_doc(w, doc, what, b, e);
		jv_free(doc);
		if (rc == -1)
			waivers_release(w);
	}
	free(what);
	return rc;
}

void
waivers_release(struct waivers *w)
{
	size_t i;

	if (!w)
		return;
	for (i = 0; i < w->n; i++)
		waiver_release(&w->v[i]);
	free(w->v);
	free(w->path);
	memset(w, 0, sizeof(*w));
}

static char *
lower(const char *s)
{
	char *p = xstrdup(s), *q;

	for (q = p; *q; q++)
		if (*q >= 'A' && *q <= 'Z')
			*q = (char)(*q - 'A' + 'a');
	return p;
}

/*
 * Host names compare without regard to ASCII case: pattern and host are both
 * lowered before util_glob(). The first waiver in file order that applies
 * today wins; a waiver whose created lies in the future neither applies nor
 * counts as expired. An invalid `today` makes nothing apply (fail closed).
 */
const struct waiver *
waivers_match(const struct waivers *w, const char *control, const char *host,
	      const char *today, const struct waiver **expired)
{
	const struct waiver *found = NULL, *lapsed = NULL;
	long now = util_date_days(today);
	char *h;
	size_t i;

	if (expired)
		*expired = NULL;
	if (!w || !control || !host || now < 0)
		return NULL;
	h = lower(host);
	for (i = 0; i < w->n && !found; i++) {
		const struct waiver *v = &w->v[i];
		char *pat;
		bool hit;

		if (strcmp(v->control, control) != 0)
			continue;
		pat = lower(v->host);
		hit = util_glob(pat, h);
		free(pat);
		if (!hit)
			continue;
		if (now >= util_date_days(v->expires)) {
			if (!lapsed)
				lapsed = v;
		} else if (now >= util_date_days(v->created)) {
			found = v;
		}
	}
	free(h);
	if (!found && expired)
		*expired = lapsed;
	return found;
}
