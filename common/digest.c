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

/*
 * OpenSSL 3 looks the algorithm up again on every EVP_Digest() call, which
 * costs more than hashing a short string. The history ingest hashes every
 * line and every control value, so each thread keeps the fetched algorithm
 * and a context (both live until the process ends).
 */
static void
sha256(const void *data, size_t len, unsigned char md[DIGEST_LEN])
{
	static _Thread_local EVP_MD *alg;
	static _Thread_local EVP_MD_CTX *ctx;
	unsigned int mdlen = 0;

	if (!alg && !(alg = EVP_MD_fetch(NULL, "SHA256", NULL)))
		digest_failed();
	if (!ctx && !(ctx = EVP_MD_CTX_new()))
		digest_failed();
	if (EVP_DigestInit_ex(ctx, alg, NULL) != 1 || EVP_DigestUpdate(ctx, data, len) != 1 ||
	    EVP_DigestFinal_ex(ctx, md, &mdlen) != 1 || mdlen != DIGEST_LEN)
		digest_failed();
}

void
digest_sha256(const void *data, size_t len, unsigned char md[DIGEST_LEN])
{
	sha256(data ? data : "", len, md);
}

void
digest_sha256_hex(const void *data, size_t len, char hex[DIGEST_HEX_LEN + 1])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char md[DIGEST_LEN];
	unsigned int i;

	sha256(data ? data : "", len, md);
	for (i = 0; i < DIGEST_LEN; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 0x0f];
	}
	hex[DIGEST_HEX_LEN] = '\0';
}
