/*
 * Fuzzes the Debian package parsers of common/debpkg.c with untrusted bytes
 * (a hostile tree's /var/lib/dpkg/status or apt index):
 *   - debpkg_parse() as a status file and as an index: every package it
 *     returns has a name, an architecture and a version;
 *   - debpkg_index_text() with the input as a .gz and as a .lz4 file;
 *   - debpkg_vercmp() on the input split at its first newline: the order is
 *     antisymmetric and every version equals itself.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "debpkg.h"
#include "util.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
sign(int x)
{
	return x < 0 ? -1 : x > 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xmalloc(size + 1), why[256], *nl, *out;
	struct debpkgs s = { 0 };
	size_t i;
	int k;

	memcpy(text, data, size);
	text[size] = '\0';
	for (k = 0; k < 2; k++) {
		if (debpkg_parse(text, k == 0, &s, why, sizeof(why)) == 0)
			for (i = 0; i < s.n; i++)
				if (!s.p[i].name[0] || !s.p[i].arch[0] || !s.p[i].version[0])
					__builtin_trap();
		debpkgs_free(&s);
	}
	out = debpkg_index_text("f_Packages.gz", (const char *)data, size, why, sizeof(why));
	free(out);
	out = debpkg_index_text("f_Packages.lz4", (const char *)data, size, why, sizeof(why));
	free(out);
	if ((nl = strchr(text, '\n')) != NULL && strlen(text) < 512) {
		*nl = '\0';
		if (sign(debpkg_vercmp(text, nl + 1)) != -sign(debpkg_vercmp(nl + 1, text)) ||
		    debpkg_vercmp(text, text) != 0)
			__builtin_trap();
	}
	free(text);
	return 0;
}
