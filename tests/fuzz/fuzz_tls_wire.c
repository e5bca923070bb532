/*
 * Fuzz target for common/tls_wire.c: the input is a server's first answer.
 * It goes to tls_wire_parse_answer() for an SSLv2 and an SSLv3 hello, and
 * the results are checked against the contract, so a wrong answer aborts
 * like a crash:
 *   - OK carries ACCEPTED or REFUSED, ACCEPTED only for the version offered;
 *     BAD carries a message, OK and NEED_MORE none;
 *   - NEED_MORE never asks for more than one maximal record and its header;
 *   - a prefix of the input gives NEED_MORE or exactly the answer of the
 *     whole input (the parser decides from the bytes it has, never from
 *     their count); each prefix is parsed from a heap copy of exactly its
 *     length, so that ASan catches a read past len.
 * The same input also goes to tls_wire_find_hello() (the start of the
 * server's bytes for a client that stops after the ServerHello):
 *   - SKIP and FOUND name a whole record inside the input, FOUND a message
 *     inside that record; MORE only while the input is shorter than one
 *     maximal record and its header;
 *   - a prefix gives MORE or the verdict of the whole input.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tls_wire.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ALL_PREFIXES_UP_TO 512	/* longer inputs: a sample of prefixes */
#define PREFIX_SAMPLES 64

static void
check_one(enum tls_wire_proto proto, enum tls_wire_status st, const struct tls_wire_result *res,
	  const char *msg, size_t len)
{
	switch (st) {
	case TLS_WIRE_OK:
		if (msg[0] != '\0')
			abort();
		if (res->answer == TLS_WIRE_ACCEPTED) {
			if (proto == TLS_WIRE_SSL3 && (res->version != 0x0300 || res->cipher > 0xffff))
				abort();
			if (proto == TLS_WIRE_SSL2 &&
			    (res->version != 0x0002 || res->cipher > 0xffffff ||
			     res->alert_level != 0 || res->alert_desc != 0))
				abort();
		} else if (res->answer != TLS_WIRE_REFUSED) {
			abort();
		}
		break;
	case TLS_WIRE_NEED_MORE:
		if (msg[0] != '\0' || len >= 5 + TLS_WIRE_RECORD_MAX)
			abort();
		break;
	case TLS_WIRE_BAD:
		if (msg[0] == '\0')
			abort();
		break;
	default:
		abort();
	}
}

static bool
same(const struct tls_wire_result *a, const struct tls_wire_result *b)
{
	return a->answer == b->answer && a->version == b->version && a->cipher == b->cipher &&
	       a->alert_level == b->alert_level && a->alert_desc == b->alert_desc &&
	       a->compression == b->compression;
}

static enum tls_wire_status
parse_copy(enum tls_wire_proto proto, const uint8_t *data, size_t n, struct tls_wire_result *res,
	   char *msg, size_t msglen)
{
	uint8_t *copy = malloc(n ? n : 1);
	enum tls_wire_status st;

	if (!copy)
		abort();
	memcpy(copy, data, n);
	st = tls_wire_parse_answer(proto, copy, n, res, msg, msglen);
	free(copy);
	return st;
}

/* tls_wire_find_hello on a heap copy of exactly len bytes, its contract checked */
static enum tls_wire_hello
find_hello_copy(const uint8_t *data, size_t len, size_t *reclen, size_t *msglen, uint16_t *suite)
{
	uint8_t *copy = malloc(len ? len : 1);
	enum tls_wire_hello h;

	if (!copy)
		abort();
	memcpy(copy, data, len);
	h = tls_wire_find_hello(copy, len, reclen, msglen, suite);
	free(copy);
	switch (h) {
	case TLS_WIRE_HELLO_MORE:
		if (len >= 5 + TLS_WIRE_RECORD_MAX || *reclen || *msglen)
			abort();
		break;
	case TLS_WIRE_HELLO_SKIP:
		if (*reclen < 6 || *reclen > len || *msglen)
			abort();
		break;
	case TLS_WIRE_HELLO_FOUND:
		if (*reclen > len || *msglen < 4 + 2 + 32 + 1 + 2 || 5 + *msglen > *reclen)
			abort();
		break;
	case TLS_WIRE_HELLO_PASS:
		break;
	default:
		abort();
	}
	return h;
}

static void
check_find_hello(const uint8_t *data, size_t size)
{
	size_t reclen, msglen, prl, pml, step;
	uint16_t suite, psuite;
	enum tls_wire_hello h = find_hello_copy(data, size, &reclen, &msglen, &suite), ph;

	step = size <= ALL_PREFIXES_UP_TO ? 1 : size / PREFIX_SAMPLES + 1;
	for (size_t k = 0; k < size; k += step) {
		ph = find_hello_copy(data, k, &prl, &pml, &psuite);
		if (ph == TLS_WIRE_HELLO_MORE)
			continue;
		if (ph != h || prl != reclen || pml != msglen || psuite != suite)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum tls_wire_proto protos[] = { TLS_WIRE_SSL2, TLS_WIRE_SSL3 };

	check_find_hello(data, size);

	for (size_t p = 0; p < 2; p++) {
		struct tls_wire_result res, pres;
		char msg[256], small[8];
		enum tls_wire_status st, pst;
		size_t step;

		memset(msg, 'x', sizeof(msg));
		st = tls_wire_parse_answer(protos[p], data, size, &res, msg, sizeof(msg));
		if (memchr(msg, '\0', sizeof(msg)) == NULL)
			abort();
		check_one(protos[p], st, &res, msg, size);

		/* a short message buffer or none: the same answer, still terminated */
		memset(small, 'x', sizeof(small));
		if (tls_wire_parse_answer(protos[p], data, size, &pres, small, sizeof(small)) != st ||
		    memchr(small, '\0', sizeof(small)) == NULL)
			abort();
		if (tls_wire_parse_answer(protos[p], data, size, &pres, NULL, 0) != st ||
		    (st == TLS_WIRE_OK && !same(&pres, &res)))
			abort();

		step = size <= ALL_PREFIXES_UP_TO ? 1 : size / PREFIX_SAMPLES + 1;
		for (size_t k = 0; k < size; k += step) {
			char pmsg[256];

			pst = parse_copy(protos[p], data, k, &pres, pmsg, sizeof(pmsg));
			check_one(protos[p], pst, &pres, pmsg, k);
			if (pst == TLS_WIRE_NEED_MORE)
				continue;
			if (pst != st)
				abort();
			if (st == TLS_WIRE_OK && !same(&pres, &res))
				abort();
		}
	}
	return 0;
}
