/* SHA-256 through OpenSSL's EVP interface; no OpenSSL type leaves this file. */
#include <stddef.h>
#include <stdio.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "digest.h"
#include "banned.h"

/*
 * EVP_Digest() only fails when it cannot allocate its context (or OpenSSL's
 * default provider is unusable). A wrong digest must never be printed, so
 * this follows the project's out-of-memory policy (util.h): print the
 * UNKNOWN line and exit 3.
 */
static void
digest_failed(void)
{
	static const char msg[] = "BASELINE UNKNOWN - out of memory\n";

	fflush(stdout);
	(void)!write(STDOUT_FILENO, msg, sizeof(msg) - 1);
	_exit(3);
}

void
digest_sha256(const void *data, size_t len, unsigned char md[DIGEST_LEN])
{
	unsigned char buf[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;

	if (!data)
		data = "";
	if (EVP_Digest(data, len, buf, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != DIGEST_LEN)
		digest_failed();
	for (i = 0; i < DIGEST_LEN; i++)
		md[i] = buf[i];
}

void
digest_sha256_hex(const void *data, size_t len, char hex[DIGEST_HEX_LEN + 1])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;

	if (!data)
		data = "";
	if (EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) != 1 ||
	    mdlen != DIGEST_HEX_LEN / 2)
		digest_failed();
	for (i = 0; i < mdlen; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 0x0f];
	}
	hex[DIGEST_HEX_LEN] = '\0';
}
