#ifndef CB_DIGEST_H
#define CB_DIGEST_H
/* SHA-256 (OpenSSL is included here and nowhere else). */
#include <stddef.h>

#define DIGEST_HEX_LEN 64
/* Writes 64 lower-case hex digits and a NUL into hex. */
void digest_sha256_hex(const void *data, size_t len, char hex[DIGEST_HEX_LEN + 1]);

#endif
