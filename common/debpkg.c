/* Debian packages without apt: see debpkg.h. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <lz4frame.h>
#include <zlib.h>

#include "debpkg.h"
#include "rule.h"
#include "util.h"
#include "banned.h"

void
debpkgs_free(struct debpkgs *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->p[i].name);
		free(s->p[i].arch);
		free(s->p[i].version);
	}
	free(s->p);
	memset(s, 0, sizeof(*s));
}

int
debpkg_cmp(const void *a, const void *b)
{
	const struct debpkg *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : strcmp(x->arch, y->arch);
}

/*
 * dpkg's order of two versions ([epoch:]upstream[-revision]): the epoch as a
 * number, then the upstream part and the revision each with dpkg's
 * character order (version_cmp() of common/rule.c).
 */
int
debpkg_vercmp(const char *a, const char *b)
{
	const char *ca = strchr(a, ':'), *cb = strchr(b, ':');
	long long ea = 0, eb = 0;
	char ua[256], ub[256];
	const char *ra, *rb;
	int c;

	if (ca) {
		ea = strtoll(a, NULL, 10);
		a = ca + 1;
	}
	if (cb) {
		eb = strtoll(b, NULL, 10);
		b = cb + 1;
	}
	if (ea != eb)
		return ea < eb ? -1 : 1;
	ra = strrchr(a, '-');
	rb = strrchr(b, '-');
	snprintf(ua, sizeof(ua), "%.*s", (int)(ra ? ra - a : (long)strlen(a)), a);
	snprintf(ub, sizeof(ub), "%.*s", (int)(rb ? rb - b : (long)strlen(b)), b);
	if ((c = version_cmp(ua, ub)) != 0)
		return c;
	return version_cmp(ra ? ra + 1 : "", rb ? rb + 1 : "");
}

/* Whether a Status field ("install ok installed") says the files are on disk: its third word. */
static bool
status_installed(const char *st)
{
	static const char *const on_disk[] = { "installed", "half-configured", "unpacked",
					       "triggers-awaited", "triggers-pending" };
	char want[32], err[32], state[32];
	size_t i;

	if (sscanf(st, "%31s %31s %31s", want, err, state) != 3)
		return false;
	for (i = 0; i < NELEM(on_disk); i++)
		if (strcmp(state, on_disk[i]) == 0)
			return true;
	return false;
}

/*
 * The stanzas of a deb822 file (dpkg's status, apt's Packages): for each,
 * Package, Architecture, Version and, when status, the Status field's third
 * word must be "installed". Appends to s; -1 with why when a stanza lacks a
 * field or the file has too many.
 */
int
debpkg_parse(const char *text, bool status, struct debpkgs *s, char *why, size_t nwhy)
{
	const char *p = text;
	char name[256] = "", arch[64] = "", ver[256] = "", st[128] = "";
	size_t stanza = 0;

	for (;;) {
		const char *nl = strchr(p, '\n'), *end = nl ? nl : p + strlen(p);
		bool blank = end == p || (end == p + 1 && *p == '\r');

		if (blank || !*p) {
			if (name[0] || ver[0]) {
				stanza++;
				if (!name[0] || !ver[0] || !arch[0]) {
					snprintf(why, nwhy, "stanza %zu has no %s", stanza,
						 !name[0] ? "Package" : !ver[0] ? "Version" : "Architecture");
					return -1;
				}
				if (!status || status_installed(st)) {
					if (s->n == DEBPKG_MAX) {
						snprintf(why, nwhy, "more than %d packages", DEBPKG_MAX);
						return -1;
					}
					s->p = xgrow(s->p, s->n + 1, &s->alloc, sizeof(*s->p));
					s->p[s->n].name = xstrdup(name);
					s->p[s->n].arch = xstrdup(arch);
					s->p[s->n].version = xstrdup(ver);
					s->n++;
				}
			}
			name[0] = arch[0] = ver[0] = st[0] = '\0';
			if (!*p || !nl)
				break;
			p = nl + 1;
			continue;
		}
		if (*p != ' ' && *p != '\t') {
			const char *colon = memchr(p, ':', (size_t)(end - p));

			if (colon) {
				size_t kl = (size_t)(colon - p), vl;
				const char *v = colon + 1;

				while (v < end && (*v == ' ' || *v == '\t'))
					v++;
				vl = (size_t)(end - v);
				while (vl && (v[vl - 1] == '\r' || v[vl - 1] == ' '))
					vl--;
				if (kl == 7 && strncasecmp(p, "Package", 7) == 0)
					snprintf(name, sizeof(name), "%.*s", (int)vl, v);
				else if (kl == 12 && strncasecmp(p, "Architecture", 12) == 0)
					snprintf(arch, sizeof(arch), "%.*s", (int)vl, v);
				else if (kl == 7 && strncasecmp(p, "Version", 7) == 0)
					snprintf(ver, sizeof(ver), "%.*s", (int)vl, v);
				else if (kl == 6 && strncasecmp(p, "Status", 6) == 0)
					snprintf(st, sizeof(st), "%.*s", (int)vl, v);
			}
		}
		if (!nl)
			p = end;
		else
			p = nl + 1;
	}
	return 0;
}

/* An apt index's bytes, decompressed by its name's suffix (.lz4, .gz, none); NULL with why. */
char *
debpkg_index_text(const char *name, const char *data, size_t len, char *why, size_t nwhy)
{
	const char *dot = strrchr(name, '.');
	bool lz4 = dot && strcmp(dot, ".lz4") == 0, gz = dot && strcmp(dot, ".gz") == 0;
	char *out;
	size_t have = 0, alloc;

	if (dot && (strcmp(dot, ".xz") == 0 || strcmp(dot, ".zst") == 0 || strcmp(dot, ".bz2") == 0)) {
		snprintf(why, nwhy, "%s indexes are not read (Acquire::GzipIndexes with gz or lz4 is)", dot);
		return NULL;
	}
	if (!lz4 && !gz)
		return xstrndup(data, len);
	alloc = len * 4 + 4096;
	out = xmalloc(alloc + 1);
	if (gz) {
		z_stream z;
		int rc;

		memset(&z, 0, sizeof(z));
		if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
			free(out);
			snprintf(why, nwhy, "zlib cannot start");
			return NULL;
		}
		z.next_in = (Bytef *)(uintptr_t)data;
		z.avail_in = (uInt)len;
		do {
			if (have == alloc) {
				if (alloc >= DEBPKG_INDEX_MAX)
					break;
				alloc = alloc * 2 > DEBPKG_INDEX_MAX ? DEBPKG_INDEX_MAX : alloc * 2;
				out = xrealloc(out, alloc + 1);
			}
			z.next_out = (Bytef *)out + have;
			z.avail_out = (uInt)(alloc - have);
			rc = inflate(&z, Z_NO_FLUSH);
			have = alloc - z.avail_out;
		} while (rc == Z_OK);
		inflateEnd(&z);
		if (rc != Z_STREAM_END) {
			free(out);
			snprintf(why, nwhy, have >= DEBPKG_INDEX_MAX ? "larger than %d MB decompressed"
								   : "not a gzip stream (%d)", have >= DEBPKG_INDEX_MAX ? DEBPKG_INDEX_MAX >> 20 : rc);
			return NULL;
		}
	} else {
		LZ4F_dctx *ctx;
		size_t in = 0, ret = 1;

		if (LZ4F_isError(LZ4F_createDecompressionContext(&ctx, LZ4F_VERSION))) {
			free(out);
			snprintf(why, nwhy, "lz4 cannot start");
			return NULL;
		}
		while (in < len && ret != 0) {
			size_t dst = alloc - have, src = len - in;

			if (dst == 0) {
				if (alloc >= DEBPKG_INDEX_MAX)
					break;
				alloc = alloc * 2 > DEBPKG_INDEX_MAX ? DEBPKG_INDEX_MAX : alloc * 2;
				out = xrealloc(out, alloc + 1);
				continue;
			}
			ret = LZ4F_decompress(ctx, out + have, &dst, data + in, &src, NULL);
			if (LZ4F_isError(ret))
				break;
			have += dst;
			in += src;
		}
		LZ4F_freeDecompressionContext(ctx);
		if (ret != 0) {
			free(out);
			snprintf(why, nwhy, LZ4F_isError(ret) ? "not an lz4 frame" : "larger than %d MB decompressed",
				 DEBPKG_INDEX_MAX >> 20);
			return NULL;
		}
	}
	out[have] = '\0';
	return out;
}

