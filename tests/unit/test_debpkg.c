/* Debian packages without apt: dpkg's version order, deb822 stanzas, compressed indexes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lz4frame.h>
#include <zlib.h>

#include "debpkg.h"

/* dpkg's own ordering (lib/dpkg/t/t-version.c and Debian policy 5.6.12): -1, 0, 1. */
static const struct {
	const char *a, *b;
	int want;
} versions[] = {
	{ "1.0", "1.0", 0 },
	{ "0:1.0", "1.0", 0 },
	{ "1.0", "1.1", -1 },
	{ "1.0", "1.0-1", -1 },			/* no revision sorts before one */
	{ "1.0-1", "1.0-2", -1 },
	{ "2.30-5", "2.30-10", -1 },		/* digit runs as numbers */
	{ "1:0.4", "10.3", 1 },			/* the epoch first */
	{ "1:1.0", "2.0", 1 },
	{ "2:1.0", "1:9.9", 1 },
	{ "1.0~rc1", "1.0", -1 },		/* '~' before the end */
	{ "1.0~~", "1.0~", -1 },
	{ "1.0~~a", "1.0~~", 1 },
	{ "1.0a", "1.0", 1 },			/* a letter after the end */
	{ "1.0+b1", "1.0", 1 },
	{ "1.0a", "1.0+", -1 },			/* letters before other characters */
	{ "1.0.1", "1.0a", 1 },			/* "." after letters (dpkg --compare-versions agrees) */
	{ "1.001", "1.1", 0 },			/* leading zeros */
	{ "3.0.15-1~deb12u1", "3.0.14-1~deb12u2", 1 },
	{ "1:9.2p1-2+deb12u3", "1:9.2p1-2+deb12u2", 1 },
	{ "2.31-13+deb11u5", "2.31-13+deb11u11", -1 },
	{ "1.2-3-4", "1.2-3-5", -1 },		/* the revision after the last '-' */
	{ "7.6p2-4", "7.6-0", 1 },
	{ "99999999999999999999999", "99999999999999999999998", 1 },	/* beyond 64 bits */
};

static void
test_vercmp(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
		int got = debpkg_vercmp(versions[i].a, versions[i].b), back;

		got = got < 0 ? -1 : got > 0;
		back = debpkg_vercmp(versions[i].b, versions[i].a);
		back = back < 0 ? -1 : back > 0;
		if (got != versions[i].want || back != -versions[i].want)
			fail_msg("row %zu: %s vs %s: %d (back %d), want %d", i, versions[i].a, versions[i].b,
				 got, back, versions[i].want);
	}
}

static const char status[] =
	"Package: openssl\nStatus: install ok installed\nArchitecture: amd64\nVersion: 3.0.15-1~deb12u1\n"
	"Description: x\n multi\n .\n line\n\n"
	"package: libc6\nstatus: hold ok installed\narchitecture: i386\nversion: 2.36-9\n\n\n"
	"Package: gone\nStatus: deinstall ok config-files\nArchitecture: amd64\nVersion: 1.0-1\n\n"
	"Package: half\nStatus: install reinstreq half-configured\nArchitecture: all\nVersion: 2\n";

static void
test_parse(void **state)
{
	struct debpkgs s = { 0 };
	char why[128] = "";

	(void)state;
	assert_int_equal(debpkg_parse(status, true, &s, why, sizeof(why)), 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.p[0].name, "openssl");
	assert_string_equal(s.p[0].version, "3.0.15-1~deb12u1");
	assert_string_equal(s.p[1].name, "libc6");
	assert_string_equal(s.p[1].arch, "i386");
	assert_string_equal(s.p[2].name, "half");
	debpkgs_free(&s);
	/* as an index: every stanza */
	assert_int_equal(debpkg_parse(status, false, &s, why, sizeof(why)), 0);
	assert_int_equal(s.n, 4);
	debpkgs_free(&s);
	assert_int_equal(debpkg_parse("Package: x\nArchitecture: all\n\n", false, &s, why, sizeof(why)), -1);
	assert_string_equal(why, "stanza 1 has no Version");
	debpkgs_free(&s);
	assert_int_equal(debpkg_parse("", true, &s, why, sizeof(why)), 0);
	assert_int_equal(s.n, 0);
}

static const char index_text[] = "Package: openssl\nArchitecture: amd64\nVersion: 3.0.15-1~deb12u1\n";

static void
test_index_text(void **state)
{
	char why[128] = "", *out, gz[512], lz[512];
	size_t gzlen = sizeof(gz), lzlen;
	z_stream z;

	(void)state;
	out = debpkg_index_text("x_Packages", index_text, strlen(index_text), why, sizeof(why));
	assert_string_equal(out, index_text);
	free(out);
	/* gzip */
	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (Bytef *)(uintptr_t)index_text;
	z.avail_in = (uInt)strlen(index_text);
	z.next_out = (Bytef *)gz;
	z.avail_out = (uInt)gzlen;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	gzlen = sizeof(gz) - z.avail_out;
	deflateEnd(&z);
	out = debpkg_index_text("x_Packages.gz", gz, gzlen, why, sizeof(why));
	assert_non_null(out);
	assert_string_equal(out, index_text);
	free(out);
	/* lz4 frame */
	lzlen = LZ4F_compressFrame(lz, sizeof(lz), index_text, strlen(index_text), NULL);
	assert_false(LZ4F_isError(lzlen));
	out = debpkg_index_text("x_Packages.lz4", lz, lzlen, why, sizeof(why));
	assert_non_null(out);
	assert_string_equal(out, index_text);
	free(out);
	/* broken and refused */
	assert_null(debpkg_index_text("x_Packages.lz4", "garbage", 7, why, sizeof(why)));
	assert_string_equal(why, "not an lz4 frame");
	assert_null(debpkg_index_text("x_Packages.gz", "garbage", 7, why, sizeof(why)));
	assert_null(debpkg_index_text("x_Packages.xz", "x", 1, why, sizeof(why)));
	assert_non_null(strstr(why, ".xz indexes are not read"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vercmp),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_index_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
