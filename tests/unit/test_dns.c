/* DNS: server addresses, answer messages (built here byte by byte), record data. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "dns.h"
#include "util.h"

struct server_row {
	const char *in;
	int rc;
	const char *text;	/* rc 0: the normalised form */
};

static const struct server_row servers[] = {
	{ "127.0.0.1", 0, "127.0.0.1:53" },
	{ "127.0.0.1:5353", 0, "127.0.0.1:5353" },
	{ "::1", 0, "[::1]:53" },
	{ "[::1]:5300", 0, "[::1]:5300" },
	{ "[2001:db8::1]", 0, "[2001:db8::1]:53" },
	{ "127.0.0.1:0", -1, NULL },
	{ "127.0.0.1:65536", -1, NULL },
	{ "127.0.0.1:+53", -1, NULL },
	{ "127.0.0.1:", -1, NULL },
	{ "ns1.example", -1, NULL },
	{ "", -1, NULL },
	{ "[::1", -1, NULL },
	{ "[::1]x", -1, NULL },
	{ "1.2.3.4.5", -1, NULL },
};

static void
test_server_parse(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(servers) / sizeof(servers[0]); i++) {
		struct dns_server s;
		struct errmsg e;
		int rc = dns_server_parse(servers[i].in, &s, &e);

		if (rc != servers[i].rc)
			fail_msg("row %zu '%s': rc %d", i, servers[i].in, rc);
		if (rc == 0 && strcmp(s.text, servers[i].text) != 0)
			fail_msg("row %zu: '%s', want '%s'", i, s.text, servers[i].text);
		if (rc == -1 && !strstr(e.msg, "invalid DNS server"))
			fail_msg("row %zu: message '%s'", i, e.msg);
	}
}

/* An answer to q: header flags, then records given as raw answer-section bytes. */
static size_t
answer(const struct dns_query *q, uint16_t flags, uint16_t ancount, const uint8_t *an, size_t anlen,
       uint8_t *out)
{
	size_t n = 12, qlen = q->qlen - 12 - 11;	/* our question, without the OPT record */

	out[0] = (uint8_t)(q->id >> 8);
	out[1] = (uint8_t)q->id;
	out[2] = (uint8_t)(flags >> 8);
	out[3] = (uint8_t)flags;
	out[4] = 0;
	out[5] = 1;
	out[6] = (uint8_t)(ancount >> 8);
	out[7] = (uint8_t)ancount;
	memset(out + 8, 0, 4);
	memcpy(out + n, q->q + 12, qlen);
	n += qlen;
	if (anlen)
		memcpy(out + n, an, anlen);
	return n + anlen;
}

/* A record at the question's name (pointer 0x0c): type, then rdata. */
static size_t
rr(uint16_t type, const uint8_t *rd, size_t rdlen, uint8_t *out)
{
	uint8_t h[12] = { 0xc0, 0x0c, (uint8_t)(type >> 8), (uint8_t)type, 0, 1, 0, 0, 1, 0,
			  (uint8_t)(rdlen >> 8), (uint8_t)rdlen };

	memcpy(out, h, sizeof(h));
	memcpy(out + sizeof(h), rd, rdlen);
	return sizeof(h) + rdlen;
}

static void
test_query_init(void **state)
{
	struct dns_query q;
	char big[300];

	(void)state;
	assert_int_equal(dns_query_init(&q, "Good.Test.", DNS_T_TXT), 0);
	assert_string_equal(q.name, "Good.Test");
	assert_true(q.qlen > 12 + 11);
	assert_int_equal(q.q[3] & 0x20, 0x20);	/* AD asked for */
	assert_int_equal(q.q[11], 1);		/* the OPT record */
	dns_query_release(&q);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(dns_query_init(&q, big, DNS_T_TXT), -1);	/* a label over 63 */
	dns_query_release(&q);
	assert_int_equal(dns_query_init(&q, "", DNS_T_TXT), -1);
	dns_query_release(&q);
}

static void
test_answers(void **state)
{
	static const uint8_t txt_rd[] = { 7, 'v', '=', 's', 'p', 'f', '1', ' ', 4, '-', 'a', 'l', 'l' };
	static const uint8_t mx_rd[] = { 0, 10, 2, 'm', 'x', 0xc0, 0x0c };
	static const uint8_t null_mx[] = { 0, 0, 0 };
	static const uint8_t a_rd[] = { 127, 0, 0, 1 };
	static const uint8_t cname_rd[] = { 1, 'x', 0xc0, 0x0c };
	uint8_t an[512], msg[1024];
	struct dns_query q;
	char out[256];
	unsigned pref;
	size_t n, len;

	(void)state;
	/* TXT: two strings joined, AD kept */
	assert_int_equal(dns_query_init(&q, "good.test", DNS_T_TXT), 0);
	n = rr(DNS_T_TXT, txt_rd, sizeof(txt_rd), an);
	len = answer(&q, 0x81a0, 1, an, n, msg);
	assert_int_equal(dns_parse_answer(&q, msg, len), 0);
	assert_int_equal(q.st, DNS_OK);
	assert_true(q.ad);
	assert_int_equal(q.nrr, 1);
	assert_int_equal(dns_rr_txt(&q.rr[0], out, sizeof(out)), 0);
	assert_string_equal(out, "v=spf1 -all");
	assert_int_equal(dns_rr_txt(&q.rr[0], out, 5), -1);	/* longer than the cap */
	/* a CNAME on the way is skipped, the TXT after it kept */
	n = rr(5, cname_rd, sizeof(cname_rd), an);
	n += rr(DNS_T_TXT, txt_rd, sizeof(txt_rd), an + n);
	len = answer(&q, 0x8180, 2, an, n, msg);
	assert_int_equal(dns_parse_answer(&q, msg, len), 0);
	assert_int_equal(q.nrr, 1);
	assert_false(q.ad);
	/* NXDOMAIN, SERVFAIL, REFUSED, NODATA */
	len = answer(&q, 0x8183, 0, NULL, 0, msg);
	assert_int_equal(dns_parse_answer(&q, msg, len), 0);
	assert_int_equal(q.st, DNS_NXDOMAIN);
	len = answer(&q, 0x8182, 0, NULL, 0, msg);
	assert_int_equal(dns_parse_answer(&q, msg, len), 0);
	assert_int_equal(q.st, DNS_SERVFAIL);
	len = answer(&q, 0x8185, 0, NULL, 0, msg);
	assert_int_equal(dns_parse_answer(&q, msg, len), 0);
	assert_int_equal(q.st, DNS_REFUSED);
	len = answer(&q, 0x8180, 0, NULL, 0, msg);
	assert_int_equal(dns_parse_answer(&q, msg, len), 0);
	assert_int_equal(q.st, DNS_NODATA);
	/* TC: ask again over TCP */
	len = answer(&q, 0x8380, 0, NULL, 0, msg);
	assert_int_equal(dns_parse_answer(&q, msg, len), 1);
	/* not an answer: a query, another id, another question, truncated, a record past the end */
	len = answer(&q, 0x0100, 0, NULL, 0, msg);
	assert_int_equal(dns_parse_answer(&q, msg, len), -1);
	assert_int_equal(q.st, DNS_BAD);
	len = answer(&q, 0x8180, 0, NULL, 0, msg);
	msg[1] ^= 1;
	assert_int_equal(dns_parse_answer(&q, msg, len), -1);
	n = rr(DNS_T_TXT, txt_rd, sizeof(txt_rd), an);
	len = answer(&q, 0x8180, 1, an, n, msg);
	assert_int_equal(dns_parse_answer(&q, msg, len - 3), -1);
	assert_int_equal(dns_parse_answer(&q, msg, 5), -1);
	dns_query_release(&q);

	/* MX with a compressed exchange, and the null MX */
	assert_int_equal(dns_query_init(&q, "good.test", DNS_T_MX), 0);
	n = rr(DNS_T_MX, mx_rd, sizeof(mx_rd), an);
	n += rr(DNS_T_MX, null_mx, sizeof(null_mx), an + n);
	len = answer(&q, 0x8180, 2, an, n, msg);
	assert_int_equal(dns_parse_answer(&q, msg, len), 0);
	assert_int_equal(q.nrr, 2);
	assert_int_equal(dns_rr_mx(&q.rr[0], &pref, out, sizeof(out)), 0);
	assert_int_equal(pref, 10);
	assert_string_equal(out, "mx.good.test");
	assert_int_equal(dns_rr_mx(&q.rr[1], &pref, out, sizeof(out)), 0);
	assert_int_equal(pref, 0);
	assert_string_equal(out, "");
	/* an answer of another type is not ours */
	n = rr(DNS_T_A, a_rd, sizeof(a_rd), an);
	len = answer(&q, 0x8180, 1, an, n, msg);
	assert_int_equal(dns_parse_answer(&q, msg, len), 0);
	assert_int_equal(q.st, DNS_NODATA);
	dns_query_release(&q);

	/* A */
	assert_int_equal(dns_query_init(&q, "mx.good.test", DNS_T_A), 0);
	n = rr(DNS_T_A, a_rd, sizeof(a_rd), an);
	len = answer(&q, 0x8180, 1, an, n, msg);
	assert_int_equal(dns_parse_answer(&q, msg, len), 0);
	assert_int_equal(dns_rr_addr(&q.rr[0], out, sizeof(out)), 0);
	assert_string_equal(out, "127.0.0.1");
	dns_query_release(&q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_server_parse),
		cmocka_unit_test(test_query_init),
		cmocka_unit_test(test_answers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
