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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum tls_wire_proto protos[] = { TLS_WIRE_SSL2, TLS_WIRE_SSL3 };

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
