#!/usr/bin/env bash
# check_baseline_mail against real DNS, HTTPS and SMTP peers and hostile DNS
# servers, loopback only (scripts/peers.sh):
#
#   dns       nsd serves the test zones, unbound validates (good.test signed,
#             bogus.test signed with a key unbound does not trust) and is the
#             server the check asks; a stub for "." keeps every name on loopback
#   mta-sts   nginx serves good.test's policy with a leaf from the test CA
#   smtp      a Python SMTP server with STARTTLS (TLS 1.2/1.3, the modern leaf,
#             whose key good.test's TLSA record names), one without STARTTLS
#   hostile   DNS servers that never answer, answer garbage, truncate every
#             answer and close TCP, send a 6000-byte TXT record, or grow an
#             endless SPF include tree; a closed DNS port
#
# Every control is asserted by id in the JSON output, with the exit code, the
# first line and an empty stderr. Prints TAP.
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build/rel}
CHECK=$BUILD/check_baseline_mail

# shellcheck source=tests/integration/lib.sh
. tests/integration/lib.sh

for need in /usr/sbin/nsd /usr/sbin/unbound /usr/bin/ldns-signzone /usr/sbin/nginx; do
	if [ ! -x "$need" ]; then
		not_ok "prerequisite '$need' exists (scripts/install-deps)"
		echo "1..$n"
		exit 1
	fi
done

observed_has() {	# ID TEXT: the control's "observed" in $OUT contains TEXT
	"$PY" - "$OUT" "$1" "$2" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
c = [c for c in doc["controls"] if c["id"] == sys.argv[2]][0]
if sys.argv[3] not in (c.get("observed") or "") + (c.get("reason") or ""):
    print("# %s observed: %s; reason: %s" % (sys.argv[2], c.get("observed"), c.get("reason")))
    sys.exit(1)
EOF
}

start_mail_peers
peer_mail smtp nostarttls
started "SMTP without STARTTLS"
SMTP_PLAIN=$PORT

COMMON=(--dns-server "127.0.0.1:$DNS" --mta-sts-port "$STS" --ca-file "$T/pki/ca.pem")
ALL_DNS=(DNS-001 DNS-002 DNS-003 DNS-004 DNS-006 DNS-007 DNS-008 DNS-009 DNS-010)

# ---- good.test: every control passes ------------------------------------------

run good-json -D good.test "${COMMON[@]}" --smtp-port "$SMTP" --dkim-selector s1 -P udvidet \
	--output-format json
assert "good.test, udvidet: exit 0" rc_is 0
assert "good.test: stderr empty" stderr_empty
controls_are "good.test" PASS OK "${ALL_DNS[@]}" TLS-012
controls_are "good.test" NA OK DNS-005
assert "good.test: DNSSEC secure" observed_has DNS-006 "mail.dnssec=secure"
assert "good.test: SPF counted 2 lookups (the include and its mx)" observed_has DNS-001 "mail.spf_lookups=2"
assert "good.test: the DKIM key is 2048 bits" observed_has DNS-004 "mail.dkim_rsa_bits_min=2048"
assert "good.test: MTA-STS enforce" observed_has DNS-007 "mail.mta_sts_mode=enforce"
assert "good.test: CAA found at good.test" observed_has DNS-010 "letsencrypt.org"
run good -D good.test "${COMMON[@]}" --smtp-port "$SMTP" --dkim-selector s1
assert "good.test, basis: exit 0" rc_is 0
assert "good.test, basis: first line" line1_is "BASELINE OK - mail good.test: "
run good-v -D good.test "${COMMON[@]}" --smtp-port "$SMTP" -v
assert "good.test, -v: the MX is named with its protocols" \
	grep -q "MX mx.good.test (127.0.0.1): STARTTLS offered; TLSv1.2 TLSv1.3" "$OUT"

# ---- bad.test: every control fails, worst first ----------------------------------

run bad-json -D bad.test "${COMMON[@]}" --smtp-port "$SMTP_PLAIN" -P udvidet --output-format json
assert "bad.test: exit 2" rc_is 2
assert "bad.test: stderr empty" stderr_empty
controls_are "bad.test" FAIL CRITICAL DNS-001 DNS-002 TLS-012
controls_are "bad.test" FAIL WARNING DNS-003 DNS-004 DNS-006 DNS-007 DNS-008 DNS-009 DNS-010
controls_are "bad.test" NA OK DNS-005
assert "bad.test: +all named" observed_has DNS-001 "+all"
assert "bad.test: p=none" observed_has DNS-002 "mail.dmarc_policy=none"
assert "bad.test: the unauthorised report address is named" observed_has DNS-003 "elsewhere.test"
assert "bad.test: unsigned" observed_has DNS-006 "mail.dnssec=insecure"
assert "bad.test: no STARTTLS" observed_has TLS-012 "tls.starttls_offered=false"
run bad -D bad.test "${COMMON[@]}" --smtp-port "$SMTP_PLAIN"
assert "bad.test, basis: exit 2" rc_is 2
assert "bad.test, basis: first line names the critical ones first" \
	line1_is "BASELINE CRITICAL - mail bad.test: 5 of 6 controls failed (3 critical, 2 warning): DNS-001 "

# ---- sub.good.test: DMARC and CAA from above, a domain without mail -------------

run sub-json -D sub.good.test "${COMMON[@]}" -P udvidet --output-format json
assert "sub.good.test: exit 0" rc_is 0
controls_are "sub.good.test" PASS OK DNS-001 DNS-002 DNS-003 DNS-005 DNS-006 DNS-010
controls_are "sub.good.test" NA OK DNS-004 DNS-007 DNS-008 DNS-009 TLS-012
assert "sub.good.test: DMARC from the organisational domain" observed_has DNS-002 "mail.dmarc_policy=reject"
assert "sub.good.test: CAA from good.test" observed_has DNS-010 "letsencrypt.org"

run nomail-json -D nomail.test "${COMMON[@]}" -P udvidet --output-format json
assert "nomail.test (null MX): DNS-005 passes" control DNS-005 PASS OK
run nomail-flag -D bad.test --no-mail "${COMMON[@]}" --smtp-port "$SMTP_PLAIN" --output-format json
assert "bad.test with --no-mail: DNS-005 fails" control DNS-005 FAIL WARNING

# ---- SPF: the loop and the limit ------------------------------------------------

run loop -D loop.test "${COMMON[@]}" --output-format json -t 5
assert "loop.test: DNS-001 fails" control DNS-001 FAIL CRITICAL
assert "loop.test: the loop is named" observed_has DNS-001 "include loop"
assert "loop.test: ends at once" within 1
run many -D many.test "${COMMON[@]}" --output-format json
assert "many.test (11 lookups): DNS-001 fails" control DNS-001 FAIL CRITICAL
assert "many.test: the count is named" observed_has DNS-001 "more than 10 dns lookups"
run ten -D ten.test "${COMMON[@]}" --output-format json
assert "ten.test (10 lookups): DNS-001 passes" control DNS-001 PASS OK
assert "ten.test: 10 lookups counted" observed_has DNS-001 "mail.spf_lookups=10"

# ---- DNSSEC bogus ---------------------------------------------------------------

run bogus -D bogus.test "${COMMON[@]}" -P udvidet --output-format json
assert "bogus.test: exit 2" rc_is 2
assert "bogus.test: DNS-006 fails critical" control DNS-006 FAIL CRITICAL
assert "bogus.test: DNS-001 not evaluated (SERVFAIL)" control DNS-001 ERROR UNKNOWN
assert "bogus.test: stderr empty" stderr_empty

# ---- hostile DNS servers ----------------------------------------------------------

peer_dns_hostile silent
started "silent DNS"
run silent -D good.test --dns-server "127.0.0.1:$PORT" -t 2
assert "silent DNS: exit 3" rc_is 3
assert "silent DNS: first line" line1_is "BASELINE UNKNOWN - mail good.test: timeout after 2s in stage 'dns'"
assert "silent DNS: ends within -t" within 3
assert "silent DNS: stderr empty" stderr_empty

peer_dns_hostile garbage
started "garbage DNS"
run garbage -D good.test --dns-server "127.0.0.1:$PORT" -t 2 --output-format json
assert "garbage DNS: exit 3" rc_is 3
assert "garbage DNS: DNS-001 not evaluated" control DNS-001 ERROR UNKNOWN
# without an answer to the MX question TLS-012 cannot tell whether it applies: ERROR, not N/A
assert "garbage DNS: TLS-012 not evaluated" control TLS-012 ERROR UNKNOWN
run garbage-line -D good.test --dns-server "127.0.0.1:$PORT" -t 2
assert "garbage DNS: first line" line1_is "BASELINE UNKNOWN - mail good.test: 6 of 6 controls not evaluated: DNS-001 "
assert "garbage DNS: within -t" within 3

peer_dns_hostile tc
started "truncating DNS"
run tc -D good.test --dns-server "127.0.0.1:$PORT" -t 2 --output-format json
assert "truncating DNS: exit 3" rc_is 3
assert "truncating DNS: DNS-002 not evaluated" control DNS-002 ERROR UNKNOWN
assert "truncating DNS: the reason is named" observed_has DNS-002 "truncated"
assert "truncating DNS: within -t" within 3
run tc-line -D good.test --dns-server "127.0.0.1:$PORT" -t 2
assert "truncating DNS: first line" line1_is "BASELINE UNKNOWN - mail good.test: 6 of 6 controls not evaluated: DNS-001 "

peer_dns_hostile bigtxt
started "6000-byte TXT"
run bigtxt -D good.test --dns-server "127.0.0.1:$PORT" -t 2 --output-format json
assert "oversized TXT: exit 3" rc_is 3
assert "oversized TXT: DNS-001 not evaluated" control DNS-001 ERROR UNKNOWN
assert "oversized TXT: the reason is named" observed_has DNS-001 "longer than 4095 bytes"
assert "oversized TXT: stderr empty" stderr_empty
run bigtxt-line -D good.test --dns-server "127.0.0.1:$PORT" -t 2
assert "oversized TXT: first line" line1_is "BASELINE UNKNOWN - mail good.test: 3 of 6 controls not evaluated: DNS-001 "

peer_dns_hostile loopspf
started "endless SPF tree"
run loopspf -D good.test --dns-server "127.0.0.1:$PORT" -t 5 --output-format json
assert "endless SPF tree: DNS-001 fails at the limit" control DNS-001 FAIL CRITICAL
assert "endless SPF tree: the limit is named" observed_has DNS-001 "more than 10 dns lookups"
assert "endless SPF tree: ends at once" within 1
run loopspf-line -D good.test --dns-server "127.0.0.1:$PORT" -t 5
assert "endless SPF tree: first line" line1_is "BASELINE CRITICAL - mail good.test: 3 of 6 controls failed (2 critical, 1 warning): DNS-001 "

CLOSED=$(free_dns_port)
run closed -D good.test --dns-server "127.0.0.1:$CLOSED" -t 2
assert "closed DNS port: exit 3" rc_is 3
assert "closed DNS port: first line" line1_is "BASELINE UNKNOWN - mail good.test: DNS server 127.0.0.1:$CLOSED: connection refused"
run closed-crit -D good.test --dns-server "127.0.0.1:$CLOSED" -t 2 --unreachable-result critical
assert "closed DNS port, --unreachable-result critical: exit 2" rc_is 2

# ---- bad input ---------------------------------------------------------------------

bad() {	# DESCRIPTION FIRST-LINE ARGS...
	local what=$1 want=$2
	shift 2
	run bad-input "$@"
	assert "$what: exit 3" rc_is 3
	assert "$what: one clear line" line1_is "$want"
	assert "$what: stderr empty" stderr_empty
}
bad "no domain" "BASELINE UNKNOWN - check_baseline_mail: -D DOMAIN is required"
bad "-H instead of -D" "BASELINE UNKNOWN - check_baseline_mail: -H is not used: give the mail domain with -D" -H good.test
bad "a domain with a space" "BASELINE UNKNOWN - check_baseline_mail: invalid domain 'a b.test'" -D "a b.test"
bad "a DNS server name" "BASELINE UNKNOWN - check_baseline_mail: invalid DNS server 'ns1.example'" -D good.test --dns-server ns1.example
bad "a DNS port 0" "BASELINE UNKNOWN - check_baseline_mail: invalid DNS server '127.0.0.1:0'" -D good.test --dns-server 127.0.0.1:0
bad "a bad selector" "BASELINE UNKNOWN - check_baseline_mail: invalid DKIM selector 's/1'" -D good.test --dkim-selector s/1
bad "nine selectors" "BASELINE UNKNOWN - check_baseline_mail: more than 8 --dkim-selector options" -D good.test \
	--dkim-selector a --dkim-selector b --dkim-selector c --dkim-selector d --dkim-selector e \
	--dkim-selector f --dkim-selector g --dkim-selector h --dkim-selector i
bad "a missing --ca-file" "BASELINE UNKNOWN - mail good.test: cannot load ca file" -D good.test --ca-file "$T/none.pem" \
	--dns-server "127.0.0.1:$DNS"

echo "1..$n"
[ "$failed" -eq 0 ]
