#!/usr/bin/env bash
# check_baseline_tls against real TLS servers and hostile peers, loopback only
# (the peers are in scripts/peers.sh, with a throw-away PKI in $T/pki):
#
#   modern      openssl s_server and nginx: TLS 1.2/1.3, ECDHE+AEAD only, a
#               P-256 (s_server, with a stapled OCSP response) or RSA-3072
#               (nginx, on 127.0.0.1 and ::1) leaf via an intermediate
#   weak        nginx at security level 0: TLS 1.0-1.2, CBC, static RSA,
#               DHE-1024, the curves secp256k1 and P-192, an RSA-1024 leaf
#               signed with SHA-1, 800 days
#   certificates  s_server with a leaf expiring in 5 and in 20 days, one for
#               another name, one from an untrusted root
#   mail        Python SMTP, IMAP and POP3 servers with STARTTLS; one without
#               it; one that sends a line after its go-ahead
#   hostile     accepts and never answers; answers garbage; answers HTTP;
#               resets after the ClientHello; a ~120 kB certificate chain;
#               a closed port
#
# Every control is asserted by id in the JSON output, the exit code and the
# first line in the plugin output; stderr must stay empty. Prints TAP.
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build/rel}
CHECK=$BUILD/check_baseline_tls

# shellcheck source=tests/integration/lib.sh
. tests/integration/lib.sh

for need in /usr/bin/openssl /usr/sbin/nginx; do
	if [ ! -x "$need" ]; then
		not_ok "prerequisite '$need' exists (scripts/install-deps)"
		echo "1..$n"
		exit 1
	fi
done

BASIS=(TLS-001 TLS-003 TLS-004 TLS-005 TLS-006 TLS-007 TLS-008)
UDVIDET=(TLS-002 TLS-009 TLS-010 TLS-011)

# line N: the Nth line of $OUT.
line() { sed -n "${1}p" "$OUT"; }
line_starts() {
	case "$(line "$1")" in "$2"*) return 0 ;; esac
	echo "# line $1: $(line "$1")"
	echo "# expected to start with: $2"
	return 1
}
CA=(--ca-file "$T/pki/ca.pem")

# ---- modern: openssl s_server -----------------------------------------------

peer_tls_modern
started "modern s_server"
run modern-json -H 127.0.0.1 -p "$PORT" --sni localhost "${CA[@]}" -P udvidet --output-format json
assert "modern s_server, udvidet: exit 0" rc_is 0
assert "modern s_server: stderr empty" stderr_empty
controls_are "modern s_server" PASS OK "${BASIS[@]}" "${UDVIDET[@]}"
controls_are "modern s_server" NA OK TLS-012
run modern -H 127.0.0.1 -p "$PORT" --sni localhost "${CA[@]}"
assert "modern s_server, basis: exit 0" rc_is 0
assert "modern s_server: first line 'BASELINE OK - tls 127.0.0.1:$PORT: 8 of 8 controls passed (1 not applicable)'" \
	line1_is "BASELINE OK - tls 127.0.0.1:$PORT: 8 of 8 controls passed (1 not applicable)|"
assert "modern s_server: every curve it accepts, found by enumeration" \
	grep -q 'TLS-004 .*tls.kx_groups=P-256, X25519, X448, P-384, P-521;' "$OUT"
assert "modern s_server: TLS 1.2 and 1.3, the three ECDHE-ECDSA AEAD suites and the three TLS 1.3 ones" \
	grep -q 'TLS-003 .*tls.ciphers=TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256$' "$OUT"

# -H a name: it is the SNI and the name matched
run modern-name -H localhost -p "$PORT" "${CA[@]}" --output-format json
assert "-H localhost without --sni: exit 0" rc_is 0
controls_are "-H localhost without --sni" PASS OK TLS-005
# -H an address and no --sni: the address is matched, and the certificate has only a name
run modern-ip -H 127.0.0.1 -p "$PORT" "${CA[@]}" --output-format json
assert "-H 127.0.0.1 without --sni: exit 2" rc_is 2
controls_are "-H 127.0.0.1 without --sni (name check against the address)" FAIL CRITICAL TLS-005
# no --ca-file: the system store does not know our throw-away root
run modern-system -H 127.0.0.1 -p "$PORT" --sni localhost --output-format json
controls_are "without --ca-file (system store)" FAIL CRITICAL TLS-005
assert "without --ca-file: observed OpenSSL's reason" \
	grep -q 'tls.cert_verify_error=unable to get local issuer certificate' "$OUT"

# the system store is the hashed directory: $SSL_CERT_DIR, here with our root in it
mkdir -p "$T/certs" && cp "$T/pki/ca.pem" "$T/certs/" && openssl rehash "$T/certs" 2>/dev/null
SSL_CERT_DIR=$T/certs run modern-certdir -H 127.0.0.1 -p "$PORT" --sni localhost --output-format json
controls_are "without --ca-file, our root in \$SSL_CERT_DIR (system store)" PASS OK TLS-005

# ---- modern: nginx, over IPv4 and IPv6 -----------------------------------------

peer_nginx_modern
started "modern nginx"
NGINX_MODERN=$PORT
for host in 127.0.0.1 ::1; do
	run "nginx-modern-$host" -H "$host" -p "$PORT" --sni localhost "${CA[@]}" --output-format json
	assert "modern nginx over $host, basis: exit 0" rc_is 0
	assert "modern nginx over $host: stderr empty" stderr_empty
	controls_are "modern nginx over $host" PASS OK "${BASIS[@]}"
done
run nginx-modern -H 127.0.0.1 -p "$PORT" --sni localhost "${CA[@]}" -P udvidet --output-format json
# nginx staples only what it fetched itself from a responder: there is none here
controls_are "modern nginx, udvidet" FAIL WARNING TLS-011
controls_are "modern nginx, udvidet" PASS OK TLS-002 TLS-009 TLS-010
assert "modern nginx: RSA 3072" grep -q '"tls.cert_key_bits=3072\|tls.cert_key_bits=3072' "$OUT"
run nginx-modern-nagios -H ::1 -p "$PORT" --sni localhost "${CA[@]}"
assert "modern nginx over ::1: first line names [::1]:$PORT" \
	line1_is "BASELINE OK - tls [::1]:$PORT: 8 of 8 controls passed (1 not applicable)|"

# ---- weak: nginx at security level 0 ----------------------------------------

peer_nginx_weak
started "weak nginx"
WCA=(--ca-file "$T/pki/weak-ca.pem")
run weak-json -H 127.0.0.1 -p "$PORT" --sni localhost "${WCA[@]}" -P udvidet --output-format json
assert "weak nginx: exit 2" rc_is 2
assert "weak nginx: stderr empty" stderr_empty
controls_are "weak nginx" FAIL CRITICAL TLS-001 TLS-003 TLS-004 TLS-007 TLS-008
controls_are "weak nginx" FAIL WARNING TLS-002 TLS-009 TLS-011
controls_are "weak nginx (trusted by its own root, valid 800 days)" PASS OK TLS-005 TLS-006 TLS-010
assert "weak nginx: TLS 1.0, 1.1 and 1.2 seen" grep -q 'tls.protocols=TLSv1.0, TLSv1.1, TLSv1.2' "$OUT"
assert "weak nginx: the static-RSA CBC suite is named" grep -q 'TLS_RSA_WITH_AES_128_CBC_SHA' "$OUT"
assert "weak nginx: DHE with the 1024-bit group" grep -q 'tls.dhe_bits_min=1024' "$OUT"
assert "weak nginx: the curves secp256k1 and P-192 are found and named" \
	grep -q 'tls.kx_groups includes secp256k1, P-192 (of 6)' "$OUT"
run weak -H 127.0.0.1 -p "$PORT" --sni localhost "${WCA[@]}"
assert "weak nginx, basis: exit 2" rc_is 2
assert "weak nginx: first line names TLS-001" \
	line1_is "BASELINE CRITICAL - tls 127.0.0.1:$PORT: 5 of 8 controls failed (5 critical, 0 warning): TLS-001 "
assert "weak nginx: TLS-001 is the first result line" line_starts 2 "[CRITICAL] TLS-001 "
assert "weak nginx: TLS-003 the second" line_starts 3 "[CRITICAL] TLS-003 "

# ---- certificates -----------------------------------------------------------

# The baseline's TLS-006: CRITICAL outside 7: days, WARNING outside 30:.
peer_tls_cert expiring5
started "5-day certificate"
run exp5 -H 127.0.0.1 -p "$PORT" --sni localhost "${CA[@]}" --output-format json
assert "expires in 5 days: exit 2" rc_is 2
controls_are "expires in 5 days (range 7:)" FAIL CRITICAL TLS-006
controls_are "expires in 5 days" PASS OK TLS-001 TLS-003 TLS-004 TLS-005 TLS-007 TLS-008
run exp5-nagios -H 127.0.0.1 -p "$PORT" --sni localhost "${CA[@]}"
assert "expires in 5 days: first line names TLS-006" \
	line1_is "BASELINE CRITICAL - tls 127.0.0.1:$PORT: 1 of 8 controls failed (1 critical, 0 warning): TLS-006 "

peer_tls_cert expiring20
started "20-day certificate"
run exp20 -H 127.0.0.1 -p "$PORT" --sni localhost "${CA[@]}" --output-format json
assert "expires in 20 days: exit 1" rc_is 1
controls_are "expires in 20 days (range 30:)" FAIL WARNING TLS-006
run exp20-nagios -H 127.0.0.1 -p "$PORT" --sni localhost "${CA[@]}"
assert "expires in 20 days: first line WARNING naming TLS-006" \
	line1_is "BASELINE WARNING - tls 127.0.0.1:$PORT: 1 of 8 controls failed (0 critical, 1 warning): TLS-006 "

peer_tls_cert wrongname
started "wrong-name certificate"
run wrongname -H 127.0.0.1 -p "$PORT" --sni localhost "${CA[@]}" --output-format json
assert "wrong name: exit 2" rc_is 2
controls_are "wrong name" FAIL CRITICAL TLS-005
controls_are "wrong name" PASS OK TLS-006 TLS-007 TLS-008
assert "wrong name: observed tls.cert_name_match=false" grep -q 'tls.cert_name_match=false' "$OUT"
run wrongname-nagios -H 127.0.0.1 -p "$PORT" --sni localhost "${CA[@]}"
assert "wrong name: first line names TLS-005" \
	line1_is "BASELINE CRITICAL - tls 127.0.0.1:$PORT: 1 of 8 controls failed (1 critical, 0 warning): TLS-005 "
run wrongname-sni -H 127.0.0.1 -p "$PORT" --sni www.other.example "${CA[@]}" --output-format json
controls_are "wrong name, asked for the name it has (--sni www.other.example)" PASS OK TLS-005

peer_tls_cert untrusted
started "untrusted chain"
run untrusted -H 127.0.0.1 -p "$PORT" --sni localhost "${CA[@]}" --output-format json
assert "untrusted chain: exit 2" rc_is 2
controls_are "untrusted chain" FAIL CRITICAL TLS-005
assert "untrusted chain (it sends its own root): observed OpenSSL's reason" \
	grep -q 'tls.cert_verify_error=self-signed certificate in certificate chain' "$OUT"
run untrusted-nagios -H 127.0.0.1 -p "$PORT" --sni localhost "${CA[@]}"
assert "untrusted chain: first line names TLS-005" \
	line1_is "BASELINE CRITICAL - tls 127.0.0.1:$PORT: 1 of 8 controls failed (1 critical, 0 warning): TLS-005 "
run untrusted-ca -H 127.0.0.1 -p "$PORT" --sni localhost --ca-file "$T/pki/other-ca.pem" --output-format json
controls_are "untrusted chain, its root given as --ca-file" PASS OK TLS-005

# ---- STARTTLS -----------------------------------------------------------------

for proto in smtp imap pop3; do
	peer_mail "$proto"
	started "$proto STARTTLS"
	run "mail-$proto" -H 127.0.0.1 -p "$PORT" --sni localhost "${CA[@]}" --starttls "$proto" --output-format json
	assert "$proto STARTTLS: exit 0" rc_is 0
	assert "$proto STARTTLS: stderr empty" stderr_empty
	controls_are "$proto STARTTLS" PASS OK TLS-012 "${BASIS[@]}"
done
run mail-smtp-nagios -H 127.0.0.1 -p "$PORT" --sni localhost "${CA[@]}" --starttls pop3
assert "pop3 STARTTLS: first line" line1_is "BASELINE OK - tls 127.0.0.1:$PORT: 8 of 8 controls passed|"

peer_mail smtp nostarttls
started "SMTP without STARTTLS"
run nostarttls -H 127.0.0.1 -p "$PORT" --starttls smtp --output-format json
assert "no STARTTLS: exit 2" rc_is 2
assert "no STARTTLS: stderr empty" stderr_empty
controls_are "no STARTTLS" FAIL CRITICAL TLS-012
controls_are "no STARTTLS (nothing to look at is not a pass)" ERROR UNKNOWN "${BASIS[@]}"
run nostarttls-nagios -H 127.0.0.1 -p "$PORT" --starttls smtp
assert "no STARTTLS: first line names TLS-012" \
	line1_is "BASELINE CRITICAL - tls 127.0.0.1:$PORT: 1 of 8 controls failed (1 critical, 0 warning), 7 not evaluated: TLS-012 "
assert "no STARTTLS: the reason is given" grep -q 'not evaluated: tls.protocols: the server does not offer STARTTLS' "$OUT"

peer_mail smtp inject
started "SMTP with a line after the go-ahead"
run inject -H 127.0.0.1 -p "$PORT" --starttls smtp
assert "data after the STARTTLS go-ahead: exit 3" rc_is 3
assert "data after the STARTTLS go-ahead: the line says so" \
	line1_is "BASELINE UNKNOWN - tls 127.0.0.1:$PORT: no SSL or TLS handshake succeeded: data after the STARTTLS answer (possible injection)"
assert "data after the STARTTLS go-ahead: stderr empty" stderr_empty

# ---- hostile peers ----------------------------------------------------------

peer_tls_hostile silent
started "silent"
run silent -H 127.0.0.1 -p "$PORT" -t 2
assert "silent peer: exit 3" rc_is 3
assert "silent peer: first line names the stage" \
	line1_is "BASELINE UNKNOWN - tls 127.0.0.1:$PORT: timeout after 2s in stage 'handshake' ("
assert "silent peer: ends within -t (2 s)" within 2
assert "silent peer: stderr empty" stderr_empty
run silent-crit -H 127.0.0.1 -p "$PORT" -t 1 --timeout-result critical
assert "silent peer, --timeout-result critical: exit 2" rc_is 2
assert "silent peer, --timeout-result critical: BASELINE CRITICAL" \
	line1_is "BASELINE CRITICAL - tls 127.0.0.1:$PORT: timeout after 1s in stage 'handshake'"
run silent-smtp -H 127.0.0.1 -p "$PORT" -t 1 --starttls smtp
assert "silent peer with --starttls: exit 3, stage 'starttls'" \
	line1_is "BASELINE UNKNOWN - tls 127.0.0.1:$PORT: timeout after 1s in stage 'starttls'"

for kind in garbage http reset; do
	peer_tls_hostile "$kind"
	started "$kind"
	run "$kind" -H 127.0.0.1 -p "$PORT" -t 5
	assert "$kind peer: exit 3" rc_is 3
	assert "$kind peer: stderr empty" stderr_empty
	assert "$kind peer: ends at once (under 2 s)" within 2
	case $kind in
	garbage) want="no SSL or TLS handshake succeeded: not SSL/TLS: first byte 0x0b" ;;
	http) want="no SSL or TLS handshake succeeded: not SSL/TLS: first byte 0x48 ('HTTP/1.1 400 Bad Request')" ;;
	reset) want="no SSL or TLS handshake succeeded: connection reset" ;;
	esac
	assert "$kind peer: first line says what happened" line1_is "BASELINE UNKNOWN - tls 127.0.0.1:$PORT: $want"
done

peer_tls_cert bigchain
started "~120 kB certificate chain"
assert "the big chain is over 100 kB" [ "$(wc -c <"$T/pki/bigchain.chain")" -gt 100000 ]
run bigchain -H 127.0.0.1 -p "$PORT" --sni localhost "${CA[@]}"
assert "~120 kB chain: exit 3" rc_is 3
assert "~120 kB chain: the line says what happened" \
	line1_is "BASELINE UNKNOWN - tls 127.0.0.1:$PORT: no SSL or TLS handshake succeeded: excessive message size"
assert "~120 kB chain: stderr empty" stderr_empty

closed=$(free_port)
run closed -H 127.0.0.1 -p "$closed"
assert "closed port: exit 3" rc_is 3
assert "closed port: unreachable, connection refused" \
	line1_is "BASELINE UNKNOWN - tls 127.0.0.1:$closed: cannot connect to 127.0.0.1:$closed: connection refused"
run closed-crit -H 127.0.0.1 -p "$closed" --unreachable-result critical
assert "closed port, --unreachable-result critical: exit 2" rc_is 2

# ---- bad input: one line naming it, exit 3, before any connection --------------

closed=$(free_port)
echo "not a certificate" >"$T/not.pem"
bad() {
	local what=$1 want=$2
	shift 2
	run bad -H 127.0.0.1 -p "$closed" "$@"
	assert "$what: exit 3" rc_is 3
	assert "$what: the line names it" line1_is "$want"
	assert "$what: stderr empty" stderr_empty
}
bad "--ca-file that does not exist" \
	"BASELINE UNKNOWN - tls 127.0.0.1:$closed: cannot load ca file '$T/nope.pem': no such file or directory" \
	--ca-file "$T/nope.pem"
bad "--ca-file that is no PEM" \
	"BASELINE UNKNOWN - tls 127.0.0.1:$closed: cannot load ca file '$T/not.pem': no certificate or crl found" \
	--ca-file "$T/not.pem"
bad "--starttls ftp" "BASELINE UNKNOWN - check_baseline_tls: invalid --starttls 'ftp' (smtp, imap or pop3)" \
	--starttls ftp
bad "--sni of 254 characters" "BASELINE UNKNOWN - check_baseline_tls: invalid server name '" \
	--sni "$(printf 'a%.0s' $(seq 254))"

# ---- side by side -------------------------------------------------------------

# The protocol probes overlap: strace shows how many connections to the
# server were open at once (connects before the first of them is closed).
if command -v strace >/dev/null 2>&1; then
	strace -f -e trace=connect,close -o "$T/strace" "$CHECK" -B "$BASELINE" -H 127.0.0.1 \
		-p "$NGINX_MODERN" --sni localhost "${CA[@]}" >/dev/null 2>&1
	read -r conns overlap < <("$PY" - "$T/strace" "$NGINX_MODERN" <<'EOF'
import re, sys
port = sys.argv[2]
open_fds, total, most = set(), 0, 0
for line in open(sys.argv[1]):
    m = re.search(r"connect\((\d+), .*htons\(%s\)" % port, line)
    if m:
        open_fds.add(m.group(1))
        total += 1
        most = max(most, len(open_fds))
        continue
    m = re.search(r"close\((\d+)\)", line)
    if m:
        open_fds.discard(m.group(1))
print(total, most)
EOF
	)
	echo "# one run against the modern nginx: $conns connections, at most $overlap open at once"
	assert "the six protocol probes run side by side (at most $overlap connections open at once)" \
		[ "${overlap:-0}" -ge 6 ]
	assert "one connection per probe and per suite or curve tried ($conns)" [ "${conns:-0}" -ge 20 ]
else
	skip "strace not installed: overlap not measured"
	skip "strace not installed: connection count not measured"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
