/* Unit tests for common/digest.c: FIPS 180-2 SHA-256 test vectors. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "digest.h"
#include "banned.h"

static const struct row {
	const char *in;
	const char *hex;
} rows[] = {
	{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopq"
	  "klmnopqrlmnopqrsmnopqrstnopqrstu",
	  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
};

static void
test_vectors(void **state)
{
	char hex[DIGEST_HEX_LEN + 1];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(hex, 'x', sizeof(hex));
		digest_sha256_hex(rows[i].in, strlen(rows[i].in), hex);
		assert_string_equal(hex, rows[i].hex);
	}
}

/* One million 'a' (FIPS 180-2 appendix B.3), and bytes after len are not read. */
static void
test_long_and_len(void **state)
{
	char hex[DIGEST_HEX_LEN + 1];
	char *m = malloc(1000001);

	(void)state;
	assert_non_null(m);
	memset(m, 'a', 1000000);
	m[1000000] = 'b';
	digest_sha256_hex(m, 1000000, hex);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	digest_sha256_hex("abcdef", 3, hex);
	assert_string_equal(hex, rows[1].hex);
	/* NUL bytes count */
	digest_sha256_hex("\0", 1, hex);
	assert_string_equal(hex, "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
	digest_sha256_hex(NULL, 0, hex);
	assert_string_equal(hex, rows[0].hex);
	free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_long_and_len),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
