#!/usr/bin/env bash
# The hostile-peer matrix: every network check against every kind of hostile peer,
# each run under valgrind (memcheck) when the build allows it. Loopback only.
#
# A relay (tests/helpers/hostile_relay.py) sits in front of a real peer of
# scripts/peers.sh and turns it hostile in one of six ways: silent, drip (one byte a
# second), oversized (a message of the protocol's shape that never ends), garbage,
# reset (half the first answer, then a TCP RST; UDP: the port closes after the first
# answer) and vtg (the first message valid, then garbage). The roles, each a peer the
# check talks to:
#
#   ssh        check_baseline_ssh   -> sshd (hardened)
#   ssh-kex    the same, the first connection (banner, KEXINIT) relayed faithfully: the
#              key exchanges, side by side in threads, meet the hostile peer
#   tls        check_baseline_tls   -> openssl s_server (modern)
#   snmp       check_baseline_snmp  -> snmpd (SNMPv3 authPriv), UDP
#   web-https  check_baseline_web   -> nginx, the HTTPS page
#   web-http   check_baseline_web   -> nginx, the HTTP port of the redirect (HTTPS real)
#   mail-dns   check_baseline_mail  -> unbound, UDP (the MTA-STS and SMTP peers real)
#   mail-smtp  check_baseline_mail  -> the STARTTLS SMTP peer (DNS and MTA-STS real)
#
# Asserted for every cell (role x kind), from the output and the run's evidence line:
#   - the exit code and the first line's state (a table below: UNKNOWN wherever the
#     check could not read what it needs; a real result where the hostile part is
#     one control's only);
#   - no control that depends on the hostile peer PASSes: it is ERROR (or FAIL where
#     the table says what the peer did is a failure);
#   - the run ends within the time bound: -t plus 4 s (valgrind starts slowly);
#   - nothing on stderr;
#   - under valgrind: no memory error and no definite leak (--error-exitcode).
# Prints TAP. HOSTILE_ONLY="ssh tls" runs some roles only.
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build/rel}
CHECK=$BUILD/check_baseline_ssh

# shellcheck source=tests/integration/lib.sh
. tests/integration/lib.sh

for need in /usr/sbin/nsd /usr/sbin/unbound /usr/sbin/nginx /usr/sbin/snmpd /usr/bin/openssl; do
	if [ ! -x "$need" ]; then
		not_ok "prerequisite '$need' exists (scripts/install-deps)"
		echo "1..$n"
		exit 1
	fi
done

VALGRIND=${VALGRIND-$(command -v valgrind)}
if ldd "$CHECK" 2>/dev/null | grep -q 'libasan'; then
	VALGRIND=""
	echo "# $CHECK is built with AddressSanitizer: it checks memory itself, without valgrind"
else
	# the plain build's matrix is the memcheck one (scripts/install-deps installs it)
	assert "valgrind is installed (VALGRIND=$VALGRIND)" [ -x "$VALGRIND" ]
fi
TIMEOUT=6	# -t of every run
BOUND=$((TIMEOUT + 4))
ONLY=${HOSTILE_ONLY:-}
RELAY=tests/helpers/hostile_relay.py
KINDS=(silent drip oversized garbage reset vtg)

# ---- the real peers -------------------------------------------------------------------
peer_ssh_hardened
started "sshd (hardened)"
SSH=$PORT
peer_tls_modern
started "openssl s_server (modern)"
TLS=$PORT
peer_snmp_hardened
started "snmpd (SNMPv3 authPriv)"
SNMP=$PORT
peer_web good
started "nginx (good site)"
WEB=$PORT WEB_HTTP=$HTTP_PORT
start_mail_peers
CA=$T/pki/ca.pem

# relay KIND PROTO UPSTREAM [PLAIN]: starts a hostile relay (the first PLAIN connections
# relayed faithfully); sets RPORT (empty: did not start) and RPID.
relay() {
	local f=$T/relay-$1-$2.port
	rm -f "$f"
	"$PY" "$RELAY" "$1" "$2" "$f" "$3" "${4:-0}" 2>>"$T/relay.err" &
	RPID=$!
	PIDS+=("$RPID")
	RPORT=
	for _ in $(seq 100); do
		[ -s "$f" ] && { RPORT=$(cat "$f"); return 0; }
		sleep 0.05
	done
	return 1
}

# The command line of each role, with @R@ for the relay's port.
declare -A ROLE_CHECK ROLE_ARGS ROLE_PROTO ROLE_UP ROLE_IDS ROLE_PLAIN
role() {	# NAME CHECK PROTO UPSTREAM[/PLAIN] "CONTROL IDS the relay can touch" ARGS...
	local name=$1
	ROLE_CHECK[$name]=$2 ROLE_PROTO[$name]=$3 ROLE_UP[$name]=${4%/*} ROLE_IDS[$name]=$5
	ROLE_PLAIN[$name]=0
	[[ $4 == */* ]] && ROLE_PLAIN[$name]=${4#*/}
	shift 5
	ROLE_ARGS[$name]="$*"
}
role ssh ssh ssh "$SSH" "*" -H 127.0.0.1 -p @R@
# the banner and KEXINIT connection sound, the key exchanges (side by side) hostile
role ssh-kex ssh ssh "$SSH/1" "SSH-006 SSH-008" -H 127.0.0.1 -p @R@
role tls tls tls "$TLS" "*" -H 127.0.0.1 -p @R@ --sni localhost --ca-file "$CA" -P udvidet
role snmp snmp snmp "$SNMP" "*" -H 127.0.0.1 -p @R@ --credentials "$T/snmp-hardened/credentials" \
	--host-name sw-core-01
role web-https web tls "$WEB" "*" -u https://localhost:@R@/ --http-port "$WEB_HTTP" --ca-file "$CA" \
	-P udvidet
role web-http web http "$WEB_HTTP" "HTTP-001" -u "https://localhost:$WEB/" --http-port @R@ \
	--ca-file "$CA" -P udvidet
role mail-dns mail dns "$DNS" "*" -D good.test --dns-server 127.0.0.1:@R@ --mta-sts-port "$STS" \
	--smtp-port "$SMTP" --ca-file "$CA" --dkim-selector s1 -P udvidet
role mail-smtp mail smtp "$SMTP" "TLS-012 DNS-009" -D good.test --dns-server "127.0.0.1:$DNS" \
	--mta-sts-port "$STS" --smtp-port @R@ --ca-file "$CA" --dkim-selector s1 -P udvidet
ROLES=(ssh ssh-kex tls snmp web-https web-http mail-dns mail-smtp)

# What the first line must contain, by cell (after "BASELINE UNKNOWN - "); every cell
# exits 3. A timeout names the stage; everything else names what was wrong.
declare -A EXPECT=(
	[ssh/silent]="timeout after ${TIMEOUT}s in stage 'banner'"
	[ssh/drip]="timeout after ${TIMEOUT}s in stage 'banner'"
	[ssh/oversized]="identification string longer than 255 bytes"
	[ssh/garbage]="contains a NUL byte"
	[ssh/reset]="connection closed by the server after"
	[ssh/vtg]="no valid KEXINIT after the identification string"
	[ssh-kex/silent]="timeout after ${TIMEOUT}s in stage 'hostkey' (measuring the host keys)"
	[ssh-kex/drip]="timeout after ${TIMEOUT}s in stage 'hostkey' (measuring the host keys)"
	[ssh-kex/oversized]="2 of 8 controls not evaluated: SSH-006"
	[ssh-kex/garbage]="2 of 8 controls not evaluated: SSH-006"
	[ssh-kex/reset]="2 of 8 controls not evaluated: SSH-006"
	[ssh-kex/vtg]="2 of 8 controls not evaluated: SSH-006"
	[tls/silent]="timeout after ${TIMEOUT}s in stage 'handshake'"
	[tls/drip]="timeout after ${TIMEOUT}s in stage 'handshake'"
	[tls/oversized]="no SSL or TLS handshake succeeded: ServerHello length 16777215 over the cap"
	[tls/garbage]="no SSL or TLS handshake succeeded: not SSL/TLS"
	[tls/reset]="no SSL or TLS handshake succeeded: connection reset"
	[tls/vtg]="no SSL or TLS handshake succeeded: a broken record after the server's hello"
	[snmp/silent]="no SNMP answer"
	[snmp/drip]="no SNMP answer"
	[snmp/oversized]="no SNMP answer"
	[snmp/garbage]="no SNMP answer"
	[snmp/reset]="no SNMP answer"
	[snmp/vtg]="no SNMP answer"
	[web-https/silent]="timeout after ${TIMEOUT}s in stage 'page'"
	[web-https/drip]="timeout after ${TIMEOUT}s in stage 'page'"
	[web-https/oversized]="cannot fetch https://localhost:"
	[web-https/garbage]="cannot fetch https://localhost:"
	[web-https/reset]="cannot fetch https://localhost:"
	[web-https/vtg]="cannot fetch https://localhost:"
	[web-http/silent]="timeout after ${TIMEOUT}s in stage 'http'"
	[web-http/drip]="timeout after ${TIMEOUT}s in stage 'http'"
	[web-http/oversized]="1 of 7 controls not evaluated: HTTP-001"
	[web-http/garbage]="1 of 7 controls not evaluated: HTTP-001"
	[web-http/reset]="1 of 7 controls not evaluated: HTTP-001"
	[web-http/vtg]="1 of 7 controls not evaluated: HTTP-001"
	[mail-dns/silent]="timeout after ${TIMEOUT}s in stage 'dns'"
	[mail-dns/drip]="timeout after ${TIMEOUT}s in stage 'dns"
	[mail-dns/oversized]="11 of 11 controls not evaluated"
	[mail-dns/garbage]="timeout after ${TIMEOUT}s in stage 'dns'"
	[mail-dns/reset]="timeout after ${TIMEOUT}s in stage 'dns'"
	[mail-dns/vtg]="timeout after ${TIMEOUT}s in stage 'dns'"
	[mail-smtp/silent]="timeout after ${TIMEOUT}s in stage 'starttls'"
	[mail-smtp/drip]="timeout after ${TIMEOUT}s in stage 'starttls'"
	[mail-smtp/oversized]="2 of 11 controls not evaluated"
	[mail-smtp/garbage]="2 of 11 controls not evaluated"
	[mail-smtp/reset]="2 of 11 controls not evaluated"
	[mail-smtp/vtg]="2 of 11 controls not evaluated"
)

# results CONTROL-IDS EVIDENCE: "ID RESULT" for each control of the run (all of them
# when CONTROL-IDS is "*")
results() {
	"$PY" - "$1" "$2" <<'EOF'
import json, sys
want = sys.argv[1].split()
with open(sys.argv[2]) as f:
    lines = f.read().splitlines()
run = json.loads(lines[-1])["run"]
if not run["controls"]:
    print("fatal", run["state"])
for c in run["controls"]:
    if want == ["*"] or c["id"] in want:
        print(c["id"], c["result"])
EOF
}

for role in "${ROLES[@]}"; do
	[ -n "$ONLY" ] && [[ " $ONLY " != *" $role "* ]] && continue
	for kind in "${KINDS[@]}"; do
		cell="$role/$kind"
		if ! relay "$kind" "${ROLE_PROTO[$role]}" "${ROLE_UP[$role]}" "${ROLE_PLAIN[$role]}"; then
			not_ok "$cell: relay started"
			continue
		fi
		prog=$BUILD/check_baseline_${ROLE_CHECK[$role]}
		read -r -a args <<<"${ROLE_ARGS[$role]//@R@/$RPORT}"
		OUT=$T/$role-$kind.out ERR=$T/$role-$kind.err EV=$T/$role-$kind.jsonl
		vg=()
		[ -n "$VALGRIND" ] && vg=("$VALGRIND" -q --error-exitcode=99 --leak-check=full
			--errors-for-leak-kinds=definite --log-file="$T/$role-$kind.vg")
		t0=$(date +%s%N)
		timeout 60 "${vg[@]}" "$prog" -B "$BASELINE" "${args[@]}" -t "$TIMEOUT" --evidence "$EV" \
			>"$OUT" 2>"$ERR"
		RC=$?
		ms=$((($(date +%s%N) - t0) / 1000000))
		kill "$RPID" 2>/dev/null
		wait "$RPID" 2>/dev/null
		family=${ROLE_CHECK[$role]}
		want="BASELINE UNKNOWN - $family "
		WHY=()
		[ "$RC" -eq 3 ] || WHY+=("exit $RC, expected 3")
		case $(head -n 1 "$OUT") in
		"$want"*"${EXPECT[$cell]}"*) ;;
		*) WHY+=("first line: $(head -n 1 "$OUT" | cut -c1-300)" "expected: $want...${EXPECT[$cell]}...") ;;
		esac
		[ "$ms" -le $((BOUND * 1000)) ] || WHY+=("took $ms ms, over the bound of $BOUND s")
		[ -s "$ERR" ] && WHY+=("stderr: $(head -c 300 "$ERR")")
		# every control the hostile peer touches is ERROR (or the run is fatal: no controls)
		res=$(results "${ROLE_IDS[$role]}" "$EV" 2>&1)
		if [ -z "$res" ]; then
			WHY+=("no run in the evidence log, or none of ${ROLE_IDS[$role]} in it")
		elif [ "$res" != "fatal UNKNOWN" ]; then
			bad=$(echo "$res" | grep -v ' ERROR$' | tr '\n' ' ')
			[ -z "$bad" ] || WHY+=("controls not ERROR: $bad")
		fi
		if [ -n "$VALGRIND" ] && [ "$RC" -eq 99 ]; then
			WHY+=("valgrind found errors or definite leaks:")
			while IFS= read -r l; do WHY+=("$l"); done < <(head -n 30 "$T/$role-$kind.vg")
		fi
		what="$cell: exit 3, ${EXPECT[$cell]}, within ${BOUND}s (${ms} ms)${VALGRIND:+, memcheck clean}"
		if [ ${#WHY[@]} -eq 0 ]; then
			ok "$what"
		else
			not_ok "$what"
			printf '#   %s\n' "${WHY[@]}"
		fi
	done
done
echo "1..$n"
[ "$failed" -eq 0 ]
