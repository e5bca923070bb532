#!/usr/bin/env bash
# check_baseline_web against real nginx sites and hostile HTTPS peers, loopback
# only (scripts/peers.sh; a throw-away PKI in $T/pki, the leaf for localhost):
#
#   good     HTTPS with every header right, HTTP redirecting to the same name
#   bad      HTTP not redirected, weak HSTS, no nosniff, a bad X-Frame-Options,
#            a loose CSP, unsafe-url, an expired security.txt at the legacy place
#   other    HTTP redirecting to another name
#   closed   no HTTP site at all (port closed): HTTP-001 passes
#   hostile  1 MB of headers; headers that never end; a closed HTTPS port;
#            an untrusted certificate
#
# Every control is asserted by id in the JSON output, with the exit code, the
# first line and an empty stderr. Prints TAP.
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build/rel}
CHECK=$BUILD/check_baseline_web

# shellcheck source=tests/integration/lib.sh
. tests/integration/lib.sh

if [ ! -x /usr/sbin/nginx ]; then
	not_ok "prerequisite '/usr/sbin/nginx' exists (scripts/install-deps)"
	echo "1..$n"
	exit 1
fi

BASIS=(HTTP-001 HTTP-002 HTTP-003 HTTP-004)
UDVIDET=(HTTP-005 HTTP-006 HTTP-007)
CA=(--ca-file "$T/pki/ca.pem")

# observed_has ID TEXT: the control's "observed" in $OUT contains TEXT.
observed_has() {
	"$PY" - "$OUT" "$1" "$2" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
c = [c for c in doc["controls"] if c["id"] == sys.argv[2]][0]
if sys.argv[3] not in (c.get("observed") or ""):
    print("# %s observed: %s" % (sys.argv[2], c.get("observed")))
    sys.exit(1)
EOF
}

# ---- good ---------------------------------------------------------------------

peer_web good
started "good site"
GOOD=$PORT GOOD_HTTP=$HTTP_PORT
run good-json -u "https://localhost:$PORT/" --http-port "$HTTP_PORT" "${CA[@]}" -P udvidet \
	--output-format json
assert "good site, udvidet: exit 0" rc_is 0
assert "good site: stderr empty" stderr_empty
controls_are "good site" PASS OK "${BASIS[@]}" "${UDVIDET[@]}"
run good -u "https://localhost:$PORT/" --http-port "$HTTP_PORT" "${CA[@]}"
assert "good site, basis: exit 0" rc_is 0
assert "good site, basis: first line" line1_is "BASELINE OK - web localhost: 4 of 4 controls passed|"
run good-v -u "https://localhost:$PORT/" --http-port "$HTTP_PORT" "${CA[@]}" -P udvidet -v
assert "good site, -v: the redirect is named" grep -q "redirects (HTTP 301) to 'https://localhost:$PORT/'" "$OUT"
assert "good site, -v: security.txt's expiry is named" grep -q "security.txt: 1 contact field(s), expires" "$OUT"
# -H and -p give https://HOST:PORT/
run good-host -H localhost -p "$PORT" --http-port "$HTTP_PORT" "${CA[@]}" -P udvidet
assert "good site by -H/-p: exit 0" rc_is 0
# libcurl appends every TLS session's secrets to $SSLKEYLOGFILE; the check clears it first
export SSLKEYLOGFILE=$T/keys
run keylog -u "https://localhost:$PORT/" --http-port "$HTTP_PORT" "${CA[@]}"
unset SSLKEYLOGFILE
assert "SSLKEYLOGFILE set: exit 0" rc_is 0
assert "SSLKEYLOGFILE set: no key log written" test ! -e "$T/keys"

# ---- bad ----------------------------------------------------------------------

peer_web bad
started "bad site"
run bad-json -u "https://localhost:$PORT/" --http-port "$HTTP_PORT" "${CA[@]}" -P udvidet \
	--output-format json
assert "bad site: exit 2" rc_is 2
assert "bad site: stderr empty" stderr_empty
controls_are "bad site" FAIL CRITICAL HTTP-001
controls_are "bad site" FAIL WARNING HTTP-002 HTTP-003 HTTP-004 "${UDVIDET[@]}"
assert "bad site: HTTP-001 observed no-redirect" observed_has HTTP-001 "web.http_redirect=no-redirect"
assert "bad site: HTTP-002 observed max-age 300" observed_has HTTP-002 "web.hsts_max_age=300"
assert "bad site: HTTP-005 names unsafe-inline" observed_has HTTP-005 "'unsafe-inline'"
assert "bad site: HTTP-007 names the legacy place" observed_has HTTP-007 "legacy"
assert "bad site: HTTP-007 names the expiry" observed_has HTTP-007 "expired on 2020-01-01T00:00:00Z"
run bad -u "https://localhost:$PORT/" --http-port "$HTTP_PORT" "${CA[@]}"
assert "bad site, basis: exit 2" rc_is 2
assert "bad site, basis: first line, worst first" \
	line1_is "BASELINE CRITICAL - web localhost: 4 of 4 controls failed (1 critical, 3 warning): HTTP-001 "

# ---- redirect to another name; no HTTP site -----------------------------------

peer_web other
started "site redirecting to another name"
run other-json -u "https://localhost:$PORT/" --http-port "$HTTP_PORT" "${CA[@]}" --output-format json
assert "other name: exit 2" rc_is 2
controls_are "other name" FAIL CRITICAL HTTP-001
assert "other name: observed other-name" observed_has HTTP-001 "web.http_redirect=other-name"
controls_are "other name" PASS OK HTTP-002 HTTP-003 HTTP-004

CLOSED=$(free_port)
run closed-json -u "https://localhost:$GOOD/" --http-port "$CLOSED" "${CA[@]}" --output-format json
assert "no HTTP site: exit 0" rc_is 0
controls_are "no HTTP site" PASS OK HTTP-001
assert "no HTTP site: observed port-closed" observed_has HTTP-001 "web.http_redirect=port-closed"

# a port that drops connections (a full accept queue: the kernel drops the SYN)
FILTERED=$(free_port)
"$PY" -c 'import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(0)
c = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
time.sleep(60)' "$FILTERED" &
PIDS+=($!)
sleep 0.3
run filtered-json -u "https://localhost:$GOOD/" --http-port "$FILTERED" "${CA[@]}" --output-format json -v
assert "filtered HTTP port: exit 0" rc_is 0
controls_are "filtered HTTP port" PASS OK HTTP-001
assert "filtered HTTP port: observed port-closed" observed_has HTTP-001 "web.http_redirect=port-closed"
assert "filtered HTTP port: the note says so" grep -q "taken as closed (filtered)" "$OUT"
assert "filtered HTTP port: the connect timeout (3 s), not the deadline" within 4

# ---- hostile ------------------------------------------------------------------

peer_http_hostile httpbig
started "1 MB of headers"
run httpbig -u "https://localhost:$PORT/" "${CA[@]}" -t 5
assert "1 MB of headers: exit 3" rc_is 3
assert "1 MB of headers: first line" line1_is "BASELINE UNKNOWN - web localhost: https://localhost:$PORT/ sent more than 65536 bytes of headers"
assert "1 MB of headers: stderr empty" stderr_empty
assert "1 MB of headers: ends at once" within 2

peer_http_hostile httpdrip
started "headers that never end"
run httpdrip -u "https://localhost:$PORT/" "${CA[@]}" -t 2
assert "endless headers: exit 3" rc_is 3
assert "endless headers: first line" line1_is "BASELINE UNKNOWN - web localhost: timeout after 2s in stage 'page'"
assert "endless headers: ends within -t" within 3
run httpdrip-crit -u "https://localhost:$PORT/" "${CA[@]}" -t 1 --timeout-result critical
assert "endless headers, --timeout-result critical: exit 2" rc_is 2

run refused -u "https://localhost:$CLOSED/" "${CA[@]}"
assert "closed HTTPS port: exit 3" rc_is 3
assert "closed HTTPS port: first line" line1_has "cannot fetch https://localhost:$CLOSED/"
run refused-crit -u "https://localhost:$CLOSED/" "${CA[@]}" --unreachable-result critical
assert "closed HTTPS port, --unreachable-result critical: exit 2" rc_is 2

run untrusted -u "https://localhost:$GOOD/" --http-port "$GOOD_HTTP"
assert "untrusted certificate (no --ca-file): exit 3" rc_is 3
assert "untrusted certificate: the reason is named" line1_has "SSL certificate problem"
assert "untrusted certificate: stderr empty" stderr_empty

# ---- bad input ----------------------------------------------------------------

bad() {	# DESCRIPTION FIRST-LINE ARGS...
	local what=$1 want=$2
	shift 2
	run bad-input "$@"
	assert "$what: exit 3" rc_is 3
	assert "$what: one clear line" line1_is "$want"
	assert "$what: stderr empty" stderr_empty
}
bad "no URL" "BASELINE UNKNOWN - check_baseline_web: -u URL (or -H HOST) is required"
bad "http URL" "BASELINE UNKNOWN - check_baseline_web: URL 'http://localhost/' is not https://" -u http://localhost/
bad "not a URL" "BASELINE UNKNOWN - check_baseline_web: invalid URL 'https://'" -u https://
bad "--http-port 0" "BASELINE UNKNOWN - check_baseline_web: invalid --http-port '0'" -u https://localhost/ --http-port 0
bad "missing --ca-file" "BASELINE UNKNOWN - web localhost: cannot fetch https://localhost:$GOOD/" -u "https://localhost:$GOOD/" --ca-file "$T/none.pem"

echo "1..$n"
[ "$failed" -eq 0 ]
