/* sshd_config as sshd reads it: see sshdcfg.h. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hostfs.h"
#include "sshdcfg.h"
#include "util.h"
#include "banned.h"

static void sshd_text(struct sshdcfg *c, char *text, size_t len, const char *path, bool in_match);

/* Words of a line as sshd splits them: blanks, an optional '=' after the keyword, "quotes". */
static size_t
sshd_words(char *line, char **w, size_t max)
{
	size_t n = 0;
	char *p = line;

	while (*p && n < max) {
		while (*p == ' ' || *p == '\t' || (n == 1 && *p == '=' && w[0]))
			p++;
		if (!*p || *p == '#')
			break;
		if (*p == '"') {
			char *e = strchr(p + 1, '"');

			w[n++] = p + 1;
			if (!e)
				break;
			*e = '\0';
			p = e + 1;
			continue;
		}
		w[n++] = p;
		while (*p && *p != ' ' && *p != '\t' && !(n == 1 && *p == '='))
			p++;
		if (*p)
			*p++ = '\0';
	}
	return n;
}

/* Include PATTERN...: relative to /etc/ssh, wildcards only in the file name, files in name order. */
static void
sshd_include(struct sshdcfg *c, const char *pattern, bool in_match)
{
	char full[512], dir[512], why[HOSTFS_WHY_MAX], **names = NULL;
	const char *slash, *base;
	size_t nn = 0, k;
	enum hostfs_result r;

	snprintf(full, sizeof(full), "%s%s", pattern[0] == '/' ? "" : "/etc/ssh/", pattern);
	slash = strrchr(full, '/');
	base = slash + 1;
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - full), full);
	if (strpbrk(dir, "*?[")) {
		snprintf(c->err, sizeof(c->err), "Include '%.300s': wildcards only in the file name are read",
			 pattern);
		return;
	}
	if (!strpbrk(base, "*?[")) {
		sshdcfg_file(c, full, in_match);
		return;
	}
	r = hostfs_list(dir[0] ? dir : "/", base, &names, &nn, why);
	if (r == HOSTFS_DENIED) {
		c->denied = true;
		snprintf(c->err, sizeof(c->err), "needs read access to %.300s", dir);
	} else if (r != HOSTFS_OK && r != HOSTFS_ABSENT) {
		snprintf(c->err, sizeof(c->err), "%.300s: %s", dir, hostfs_why(r, why));
	}
	for (k = 0; k < nn && !c->err[0]; k++) {
		char *p = xasprintf("%s/%s", dir, names[k]);

		sshdcfg_file(c, p, in_match);
		free(p);
	}
	hostfs_names_free(names, nn);
}

/*
 * One file of sshd's configuration. A Match block lasts to the next Match
 * or the end of its file; an Included file starts in its includer's state,
 * and the includer's state comes back after it, as OpenSSH 8.2 and later.
 */
void
sshdcfg_file(struct sshdcfg *c, const char *path, bool in_match)
{
	char why[HOSTFS_WHY_MAX] = "", *text;
	size_t len, i;
	enum hostfs_result r;

	for (i = 0; i < c->depth; i++)
		if (strcmp(c->stack[i], path) == 0) {
			snprintf(c->err, sizeof(c->err), "%s: Include loop", path);
			return;
		}
	if (c->depth == SSHDCFG_DEPTH_MAX) {
		snprintf(c->err, sizeof(c->err), "%s: Include nested deeper than %d", path, SSHDCFG_DEPTH_MAX);
		return;
	}
	r = hostfs_read(path, SSHDCFG_FILE_MAX, &text, &len, why);
	if (r == HOSTFS_ABSENT && c->depth > 0)
		return;		/* sshd skips an Include that names no file */
	if (r != HOSTFS_OK) {
		c->denied = r == HOSTFS_DENIED;
		if (c->denied)
			snprintf(c->err, sizeof(c->err), "needs read access to %s", path);
		else
			snprintf(c->err, sizeof(c->err), "%s: %s", path, hostfs_why(r, why));
		return;
	}
	sshd_text(c, text, len, path, in_match);
	free(text);
}

/* The lines of one file's text (changed in place), as sshdcfg_file() reads them. */
static void
sshd_text(struct sshdcfg *c, char *text, size_t len, const char *path, bool in_match)
{
	size_t ln = 0;
	char *p;

	if (memchr(text, '\0', len)) {
		snprintf(c->err, sizeof(c->err), "%s: not text (a NUL byte)", path);
		return;
	}
	c->stack[c->depth++] = path;
	for (p = text; *p && !c->err[0];) {
		char *nl = strchr(p, '\n'), *w[32];
		size_t nw, k;

		if (nl)
			*nl = '\0';
		ln++;
		nw = sshd_words(p, w, NELEM(w));
		p = nl ? nl + 1 : p + strlen(p);
		if (nw == 0)
			continue;
		for (k = 0; w[0][k]; k++)
			w[0][k] = (char)tolower((unsigned char)w[0][k]);
		if (strcmp(w[0], "match") == 0) {
			in_match = !(nw == 2 && strcasecmp(w[1], "all") == 0);
			continue;
		}
		if (strcmp(w[0], "include") == 0) {
			for (k = 1; k < nw && !c->err[0]; k++)
				sshd_include(c, w[k], in_match);
			continue;
		}
		if (c->n == SSHDCFG_OPTS_MAX) {
			snprintf(c->err, sizeof(c->err), "%s: more than %d options", path, SSHDCFG_OPTS_MAX);
			break;
		}
		{
			struct sshdcfg_opt *o = &c->opts[c->n++];
			size_t used = 0;

			snprintf(o->key, sizeof(o->key), "%s", w[0]);
			o->value[0] = '\0';
			for (k = 1; k < nw && used < sizeof(o->value) - 1; k++)
				used += (size_t)snprintf(o->value + used, sizeof(o->value) - used, "%s%s",
							 k > 1 ? " " : "", w[k]);
			o->in_match = in_match;
		}
	}
	c->depth--;
}

/* The effective global value (first wins, as sshd), else dflt; every Match value too into vals. */
const char *
sshdcfg_get(const struct sshdcfg *c, const char *key, const char *dflt, const char **vals, size_t *nv,
	 size_t max)
{
	const char *global = NULL;
	size_t i;

	if (nv)
		*nv = 0;
	for (i = 0; i < c->n; i++) {
		if (strcmp(c->opts[i].key, key) != 0)
			continue;
		if (!c->opts[i].in_match && !global)
			global = c->opts[i].value;
		else if (c->opts[i].in_match && vals && *nv + 1 < max)
			vals[(*nv)++] = c->opts[i].value;
	}
	if (vals)
		vals[(*nv)++] = global ? global : dflt;
	return global ? global : dflt;
}

/*
 * sshd's time format: 60, 30s, 2m, 1h... in seconds; -1 when malformed or,
 * as sshd's convtime() has it, over INT_MAX seconds in all.
 */
long long
sshdcfg_seconds(const char *s)
{
	long long total = 0;

	if (!*s)
		return -1;
	while (*s) {
		char *end;
		long long x, mult;

		errno = 0;
		x = strtoll(s, &end, 10);
		if (errno || end == s || x < 0)
			return -1;
		switch (*end) {
		case '\0': mult = 1; break;
		case 's': case 'S': mult = 1; break;
		case 'm': case 'M': mult = 60; break;
		case 'h': case 'H': mult = 3600; break;
		case 'd': case 'D': mult = 86400; break;
		case 'w': case 'W': mult = 604800; break;
		default: return -1;
		}
		if (x > INT_MAX / mult || total > INT_MAX - x * mult)
			return -1;
		total += x * mult;
		s = *end ? end + 1 : end;
	}
	return total;
}

int
sshdcfg_parse(struct sshdcfg *c, const char *text, size_t len, const char *name)
{
	char *copy = xmalloc(len + 1);

	memcpy(copy, text, len);
	copy[len] = '\0';
	sshd_text(c, copy, len, name, false);
	free(copy);
	return c->err[0] ? -1 : 0;
}
