/*
 * Fuzz target for common/ssh_wire.c: the input is what a server sends. It
 * goes to ssh_ident_parse(); what follows the identification line (or all of
 * it when there is none) is framed packet by packet and each payload parsed
 * as KEXINIT; the same bytes also go to ssh_pubkey_bits(). The results are
 * checked against the contract, so a wrong answer aborts like a crash.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ssh_wire.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_kexinit(const struct ssh_kexinit *k)
{
	for (int l = 0; l < SSH_KEX_NLISTS; l++) {
		if (k->lists[l].n > SSH_NAMELIST_MAX_ITEMS)
			abort();
		for (size_t i = 0; i < k->lists[l].n; i++) {
			const char *s = k->lists[l].names[i];
			size_t n = strlen(s);

			if (n == 0 || n > SSH_NAME_MAX)
				abort();
			for (size_t j = 0; j < n; j++)
				if (s[j] <= 0x20 || s[j] >= 0x7f || s[j] == ',')
					abort();
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ssh_ident id;
	struct ssh_kexinit k;
	const uint8_t *rest = data, *payload;
	size_t left = size, consumed, plen;
	char msg[256], type[SSH_NAME_MAX + 1];
	unsigned bits;
	int packets = 0;

	if (ssh_ident_parse(data, size, &id, &consumed, msg, sizeof(msg)) == SSH_WIRE_OK) {
		if (consumed == 0 || consumed > size || strncmp(id.line, "SSH-", 4) != 0 ||
		    id.proto[0] == '\0' || id.software[0] == '\0' ||
		    id.prebanner_lines > SSH_PREBANNER_LINES_MAX)
			abort();
		rest += consumed;
		left -= consumed;
	}

	while (packets++ < 8 &&
	       ssh_packet_frame(rest, left, &payload, &plen, &consumed, msg, sizeof(msg)) ==
		       SSH_WIRE_OK) {
		if (consumed > left || consumed > SSH_PACKET_MAX || payload < rest ||
		    payload + plen > rest + consumed)
			abort();
		if (ssh_kexinit_parse(payload, plen, &k, msg, sizeof(msg)) == SSH_WIRE_OK)
			check_kexinit(&k);
		ssh_kexinit_release(&k);
		rest += consumed;
		left -= consumed;
	}
	/* the rest also as a bare KEXINIT payload, so the fuzzer need not frame it */
	if (ssh_kexinit_parse(rest, left, &k, msg, sizeof(msg)) == SSH_WIRE_OK)
		check_kexinit(&k);
	ssh_kexinit_release(&k);

	if (ssh_pubkey_bits(rest, left, type, sizeof(type), &bits, msg, sizeof(msg)) == SSH_WIRE_OK &&
	    (bits == 0 || bits > 16384 || type[0] == '\0'))
		abort();
	return 0;
}
