/*
 * Fuzzes dns_parse_answer() with untrusted bytes (what a DNS server sends),
 * for a question of each type the mail check asks, and every record helper
 * on what it kept: nothing reads outside the message, and what comes back
 * stays within its caps.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "util.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint16_t types[] = { DNS_T_TXT, DNS_T_MX, DNS_T_A, DNS_T_AAAA, DNS_T_TLSA,
					  DNS_T_CAA, DNS_T_SOA };
	struct dns_query q;
	uint8_t *msg;
	char out[DNS_NAME_MAX + 8];
	size_t i;

	if (size < 1)
		return 0;
	if (dns_query_init(&q, "good.test", types[data[0] % (sizeof(types) / sizeof(types[0]))]) != 0)
		__builtin_trap();
	/* the message, with our id so that the parser looks past the header */
	msg = xmalloc(size + 2);
	memcpy(msg, data + 1, size - 1);
	if (size - 1 >= 2) {
		msg[0] = (uint8_t)(q.id >> 8);
		msg[1] = (uint8_t)q.id;
	}
	(void)dns_parse_answer(&q, msg, size - 1);
	free(msg);	/* what was kept must live in the query's own copy */
	if (q.nrr > DNS_RR_MAX)
		__builtin_trap();
	for (i = 0; i < q.nrr; i++) {
		unsigned pref, u, s, m;
		const uint8_t *d;
		size_t len;

		if (q.rr[i].rdata < q.msg || q.rr[i].rdata + q.rr[i].rdlen > q.msg + q.msglen)
			__builtin_trap();
		if (dns_rr_txt(&q.rr[i], out, sizeof(out)) == 0 && strlen(out) >= sizeof(out))
			__builtin_trap();
		(void)dns_rr_mx(&q.rr[i], &pref, out, sizeof(out));
		(void)dns_rr_addr(&q.rr[i], out, sizeof(out));
		if (dns_rr_tlsa(&q.rr[i], &u, &s, &m, &d, &len) == 0 && d + len > q.msg + q.msglen)
			__builtin_trap();
	}
	dns_query_release(&q);
	return 0;
}
