#ifndef CB_DIGEST_H
#define CB_DIGEST_H
/* SHA-256 (OpenSSL is included here and nowhere else). */
#include <stddef.h>

#define DIGEST_HEX_LEN 64
#define DIGEST_LEN 32
/* Writes the 32 bytes of the SHA-256 of data into md. */
void digest_sha256(const void *data, size_t len, unsigned char md[DIGEST_LEN]);
/* Writes 64 lower-case hex digits and a NUL into hex. */
void digest_sha256_hex(const void *data, size_t len, char hex[DIGEST_HEX_LEN + 1]);

#endif
