#ifndef CB_DEBPKG_H
#define CB_DEBPKG_H
/*
 * Debian packages for check_baseline_host's LNX-002 and LNX-010, without apt:
 * the deb822 stanzas of dpkg's status and of apt's Packages indexes, apt's
 * compressed indexes, and dpkg's version order. No I/O: the caller reads the
 * files (hostfs) and hands over their bytes.
 */
#include <stdbool.h>
#include <stddef.h>

#define DEBPKG_MAX 100000			/* packages in one file */
#define DEBPKG_STATUS_MAX (64 * 1024 * 1024)	/* dpkg's status file */
#define DEBPKG_INDEX_MAX (128 * 1024 * 1024)	/* an index, decompressed */

struct debpkg {
	char *name, *arch, *version;
};

struct debpkgs {
	struct debpkg *p;
	size_t n, alloc;
};

/*
 * Appends the stanzas of deb822 text (NUL-terminated): Package,
 * Architecture and Version, each required; with status, only the stanzas
 * whose Status field's third word says the files are on disk (installed,
 * half-configured, unpacked, triggers-awaited, triggers-pending). Field
 * names ignore case; continuation lines and other fields are skipped;
 * values are cut at 255 bytes. 0, or -1 with why ("stanza 3 has no
 * Version", "more than 100000 packages").
 */
int debpkg_parse(const char *text, bool status, struct debpkgs *s, char *why, size_t nwhy);

/* Frees what s holds; s is empty afterwards. */
void debpkgs_free(struct debpkgs *s);

/* By name, then architecture (qsort, bsearch). */
int debpkg_cmp(const void *a, const void *b);

/*
 * dpkg's order of two versions, [epoch:]upstream[-revision]: the epoch as a
 * number, then upstream and revision each with dpkg's character order ('~'
 * before everything, letters before other characters, digit runs as
 * numbers). <0, 0, >0.
 */
int debpkg_vercmp(const char *a, const char *b);

/*
 * An index's bytes as text, decompressed by the suffix of name: ".lz4"
 * (liblz4's frame format), ".gz" (gzip, zlib), none (a copy); ".xz",
 * ".zst", ".bz2" are refused. At most DEBPKG_INDEX_MAX bytes. A malloc'd
 * NUL-terminated string, or NULL with why.
 */
char *debpkg_index_text(const char *name, const char *data, size_t len, char *why, size_t nwhy);

#endif
