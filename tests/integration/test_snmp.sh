#!/usr/bin/env bash
# check_baseline_snmp against real net-snmp agents and hostile UDP peers,
# loopback only (the peers are in scripts/peers.sh):
#
#   hardened  snmpd with one SNMPv3 user (SHA-256/AES, authPriv only), no
#             community, sysContact/sysLocation set, a current Cisco IOS
#             sysDescr; net-snmp has no NTP-MIB
#   weak      snmpd with "public" and "private" (v1/v2c), a v3 user allowed
#             at noAuthNoPriv (MD5/DES), an empty sysContact, an old IOS
#   hostile   Python: silent, wrong value types, a 65000-byte answer,
#             malformed BER
#
# Every control is asserted by id in the JSON output, the exit code and the
# first line in the plugin output; stderr must stay empty, and no pass phrase
# or community of the credentials files may appear in any output or evidence.
# Prints TAP.
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build/rel}
CHECK=$BUILD/check_baseline_snmp

# shellcheck source=tests/integration/lib.sh
. tests/integration/lib.sh

if [ ! -x /usr/sbin/snmpd ]; then
	not_ok "prerequisite /usr/sbin/snmpd exists (scripts/install-deps)"
	echo "1..$n"
	exit 1
fi

# no_secrets FILE...: none of the pass phrases and communities of the
# credentials files appears in the files given.
no_secrets() {
	local f s
	for s in "${SECRETS[@]}"; do
		for f in "$@"; do
			if grep -qF -- "$s" "$f"; then
				echo "# a secret of a credentials file appears in $f"
				return 1
			fi
		done
	done
}
secrets_of() {
	sed -n 's/^[[:space:]]*\(community\|auth-passphrase\|priv-passphrase\)[[:space:]]*=[[:space:]]*//p' "$1"
}

# What SNMP-009 must say about this machine: its TCP listeners, which snmpd
# reports from /proc/net/tcp and tcp6. CRITICAL with 23, WARNING with 80
# but not 443, else PASS.
snmp009_expected() {
	"$PY" - <<'EOF'
ports = set()
for f in ("/proc/net/tcp", "/proc/net/tcp6"):
    try:
        for line in open(f).readlines()[1:]:
            parts = line.split()
            if parts[3] == "0A":
                ports.add(int(parts[1].rsplit(":", 1)[1], 16))
    except OSError:
        pass
if 23 in ports:
    print("FAIL CRITICAL")
elif 80 in ports and 443 not in ports:
    print("FAIL WARNING")
else:
    print("PASS OK")
EOF
}

# SNMP-010 keeps a reading per device between runs: never in /var/lib here
export CYBERBASELINE_STATE_DIR=$T/state
mkdir -m 700 "$T/state"

SECRETS=()
BASIS_ALL=(SNMP-001 SNMP-002 SNMP-004 SNMP-005 SNMP-007 SNMP-008)

# ---- hardened ---------------------------------------------------------------

peer_snmp_hardened
started "hardened snmpd"
HD=$T/snmp-hardened
mapfile -t s < <(secrets_of "$HD/credentials")
SECRETS+=("${s[@]}")
assert "the snmp.conf file has the same pass phrases" \
	grep -qF -- "defPrivPassphrase ${s[-1]}" "$HD/snmp.conf"
assert "the hardened credentials file has its pass phrases" [ "${#s[@]}" -ge 2 ]

run hardened-json -H 127.0.0.1 -p "$PORT" --credentials "$HD/credentials" \
	--host-name sw-core-01 --output-format json --evidence "$T/evidence.jsonl"
assert "hardened: exit 3 (NTP-MIB absent: not evaluated, never passed)" rc_is 3
assert "hardened: stderr empty" stderr_empty
controls_are "hardened" PASS OK SNMP-001 SNMP-002 SNMP-004 SNMP-005 SNMP-008
controls_are "hardened (net-snmp has no NTP-MIB)" ERROR UNKNOWN SNMP-007
assert "hardened: the reason names the NTP-MIB" grep -q 'NTP-MIB.*noSuchObject' "$OUT"

run hardened -H 127.0.0.1 -p "$PORT" --credentials "$HD/credentials" --host-name sw-core-01
assert "hardened: exit 3" rc_is 3
assert "hardened: first line: nothing failed, SNMP-007 not evaluated" \
	line1_is "BASELINE UNKNOWN - snmp 127.0.0.1:$PORT: 1 of 6 controls not evaluated: SNMP-007 "
assert "hardened: stderr empty" stderr_empty

run hardened-udvidet -H 127.0.0.1 -p "$PORT" --credentials "$HD/credentials" \
	--host-name sw-core-01 -P udvidet --output-format json
controls_are "hardened, udvidet" PASS OK SNMP-006 SNMP-010
controls_are "hardened, udvidet (no community to try v1/v2c with)" ERROR UNKNOWN SNMP-003
read -r want009 state009 < <(snmp009_expected)
controls_are "hardened, udvidet: this machine's listeners (by /proc/net/tcp)" "$want009" "$state009" SNMP-009

# SNMP-010 between runs, with a state directory of its own: the first run
# has nothing to compare with; wrong communities sent by someone else between
# two runs are counted; the check's own probes never are.
S10=$T/state010
mkdir -m 700 "$S10"
run010() {
	run "$1" -H 127.0.0.1 -p "$PORT" --credentials "$HD/credentials" --host-name sw-core-01 \
		-P udvidet --output-format json --state-dir "$S10"
}
run010 s010-first
controls_are "SNMP-010, first run (nothing to compare with)" ERROR UNKNOWN SNMP-010
assert "SNMP-010, first run: the reason says so" grep -q 'no earlier reading (the first run)' "$OUT"
assert "SNMP-010: the reading is kept, mode 600" \
	[ "$(stat -c %a "$S10/snmp-127.0.0.1-$PORT.state")" = 600 ]
run010 s010-second
controls_are "SNMP-010, second run (our own probes are not counted)" PASS OK SNMP-010
assert "SNMP-010, second run: growth 0" grep -q 'bad_community_growth=0"' "$OUT"
for c in guess-one guess-two guess-three; do
	snmpget -v2c -c "$c" -t 0.2 -r 0 "127.0.0.1:$PORT" 1.3.6.1.2.1.1.1.0 >/dev/null 2>&1
done
run010 s010-guessed
controls_are "SNMP-010 after three wrong communities from someone else" FAIL WARNING SNMP-010
assert "SNMP-010 after three wrong communities: growth 3" grep -q 'bad_community_growth=3"' "$OUT"
run010 s010-after
controls_are "SNMP-010, the run after (counted once)" PASS OK SNMP-010
echo "not a state file" >"$S10/snmp-127.0.0.1-$PORT.state"
run010 s010-garbage
controls_are "SNMP-010 with a broken state file" ERROR UNKNOWN SNMP-010
assert "SNMP-010 with a broken state file: the reason names it" \
	grep -q 'not a state file of this check' "$OUT"
run010 s010-rewritten
controls_are "SNMP-010 after the broken file was replaced" PASS OK SNMP-010
run s010-nodir -H 127.0.0.1 -p "$PORT" --credentials "$HD/credentials" --host-name sw-core-01 \
	-P udvidet --output-format json --state-dir "$T/no-such-dir"
controls_are "SNMP-010 without its state directory" ERROR UNKNOWN SNMP-010
assert "SNMP-010 without its state directory: the reason names it" \
	grep -q "state directory '$T/no-such-dir'" "$OUT"
assert "SNMP-010 without its state directory: stderr empty" stderr_empty

# net-snmp's own snmp.conf syntax, the same user: the same result
run hardened-snmpconf -H 127.0.0.1 -p "$PORT" --credentials "$HD/snmp.conf" \
	--host-name sw-core-01 --output-format json
assert "snmp.conf syntax: exit 3 (as with our key=value file)" rc_is 3
controls_are "snmp.conf syntax" PASS OK SNMP-001 SNMP-002 SNMP-004 SNMP-005 SNMP-008
assert "snmp.conf syntax: stderr empty" stderr_empty
cp "$HD/snmp.conf" "$T/open-snmp.conf"
chmod 644 "$T/open-snmp.conf"
run open-snmpconf -H 127.0.0.1 -p "$PORT" --credentials "$T/open-snmp.conf"
assert "snmp.conf readable by others: exit 3" rc_is 3
assert "snmp.conf readable by others: refused like any credentials file" \
	line1_is "BASELINE UNKNOWN - snmp 127.0.0.1:$PORT: credentials '$T/open-snmp.conf': readable by group or others (mode 0644), chmod 600 it"

run wrongpass -H 127.0.0.1 -p "$PORT" --credentials "$HD/credentials-wrongpass"
assert "wrong v3 pass phrase: exit 3" rc_is 3
assert "wrong v3 pass phrase: UNKNOWN naming authentication" \
	line1_is "BASELINE UNKNOWN - snmp 127.0.0.1:$PORT: SNMPv3 authentication failed for user 'cbmon' at authPriv: wrong digest"
assert "wrong v3 pass phrase: stderr empty" stderr_empty
mapfile -t s < <(secrets_of "$HD/credentials-wrongpass")
SECRETS+=("${s[@]}")

run nocred -H 127.0.0.1 -p "$PORT" --output-format json
assert "hardened without credentials: exit 3" rc_is 3
controls_are "hardened without credentials" PASS OK SNMP-001 SNMP-002
controls_are "hardened without credentials" ERROR UNKNOWN SNMP-004 SNMP-005 SNMP-008

# The counter barrier: with a credential that reads snmpInBadCommunityNames,
# the refused community probes are settled when the counter has grown by
# their number, before their first try times out, so each is sent once.
# Without one they wait for the timeout, and net-snmp's retry sends each
# again: the control case, which shows that the count can tell them apart.
# community_datagrams STRACE-FILE PORT: how many v1/v2c datagrams went to PORT.
community_datagrams() {
	"$PY" - "$1" "$2" <<'EOF'
import re, sys
port = int(sys.argv[2])
n = 0
for line in open(sys.argv[1], errors="replace"):
    if "sendmsg(" not in line or "htons(%d)" % port not in line:
        continue
    m = re.search(r'iov_base="((?:\\x[0-9a-f]{2})*)"', line)
    if not m:
        continue
    b = bytes(int(h, 16) for h in re.findall(r"[0-9a-f]{2}", m.group(1).replace("\\x", " ")))
    if len(b) < 5 or b[0] != 0x30:
        continue
    i = 2 + (b[1] & 0x7F if b[1] & 0x80 else 0)
    if b[i:i + 2] == b"\x02\x01" and b[i + 2] in (0, 1):
        n += 1
print(n)
EOF
}
if command -v strace >/dev/null 2>&1; then
	strace -f -xx -e trace=sendmsg -o "$T/strace-barrier" "$CHECK" -B "$BASELINE" -H 127.0.0.1 \
		-p "$PORT" --credentials "$HD/credentials" --host-name sw-core-01 >/dev/null 2>&1
	got=$(community_datagrams "$T/strace-barrier" "$PORT")
	assert "barrier: with the v3 user each of the 10 community probes is sent once (sent: $got)" \
		[ "$got" -eq 10 ]
	strace -f -xx -e trace=sendmsg -o "$T/strace-nobarrier" "$CHECK" -B "$BASELINE" -H 127.0.0.1 \
		-p "$PORT" >/dev/null 2>&1
	got=$(community_datagrams "$T/strace-nobarrier" "$PORT")
	assert "barrier: without a credential each probe times out and is sent again (sent: $got)" \
		[ "$got" -eq 20 ]
else
	skip "strace not installed: the counter barrier not measured"
	skip "strace not installed: the counter barrier not measured"
fi

# ---- weak ---------------------------------------------------------------------

peer_snmp_weak
started "weak snmpd"
WD=$T/snmp-weak
mapfile -t s < <(secrets_of "$WD/credentials-v3")
SECRETS+=("${s[@]}")

run weak-json -H 127.0.0.1 -p "$PORT" --credentials "$WD/credentials-v3" -P udvidet --output-format json \
	--evidence "$T/evidence.jsonl"
assert "weak: exit 2" rc_is 2
assert "weak: stderr empty" stderr_empty
controls_are "weak" FAIL CRITICAL SNMP-001 SNMP-002 SNMP-004 SNMP-005
controls_are "weak" FAIL WARNING SNMP-003 SNMP-008 SNMP-010
assert "weak: 'private' is named" grep -q 'snmp.default_communities_answering includes private' "$OUT"
assert "weak: MD5 and noAuthNoPriv are seen" grep -q 'snmp.v3_auth_protocol=MD5' "$OUT"

run weak -H 127.0.0.1 -p "$PORT" --credentials "$WD/credentials-v3"
assert "weak, basis: exit 2" rc_is 2
assert "weak: first line CRITICAL naming SNMP-001" \
	line1_is "BASELINE CRITICAL - snmp 127.0.0.1:$PORT: 5 of 6 controls failed (4 critical, 1 warning), 1 not evaluated: SNMP-001 "
assert "weak: SNMP-001 is the first result line" grep -qm1 '^\[CRITICAL\] SNMP-001 ' "$OUT"

run weak-v2c -H 127.0.0.1 -p "$PORT" --credentials "$WD/credentials" --output-format json
assert "weak with the v2c community: exit 2" rc_is 2
controls_are "weak with the v2c community (no v3 user to test)" ERROR UNKNOWN SNMP-004
controls_are "weak with the v2c community: the data read with it" FAIL CRITICAL SNMP-005

# ---- secrets ------------------------------------------------------------------

assert "no pass phrase or community in any output" no_secrets "$T"/*.out
assert "no pass phrase or community in the evidence" no_secrets "$T/evidence.jsonl"
assert "the evidence has both runs" [ "$(wc -l <"$T/evidence.jsonl")" -eq 2 ]

# ---- hostile peers ----------------------------------------------------------

peer_snmp_hostile silent
started "silent UDP peer"
run silent -H 127.0.0.1 -p "$PORT" -t 2 --credentials "$HD/credentials"
assert "silent: exit 3" rc_is 3
assert "silent: the line says nothing answered" \
	line1_is "BASELINE UNKNOWN - snmp 127.0.0.1:$PORT: no SNMP answer from 127.0.0.1:$PORT"
assert "silent: within -t (2 s)" within 2
assert "silent: stderr empty" stderr_empty
run silent-crit -H 127.0.0.1 -p "$PORT" -t 1 --unreachable-result critical
assert "silent, --unreachable-result critical: exit 2" rc_is 2

peer_snmp_hostile wrongtype
started "wrong-type peer"
run wrongtype -H 127.0.0.1 -p "$PORT" -t 3 --output-format json
assert "wrong types: exit 2 (it answers 'public')" rc_is 2
assert "wrong types: stderr empty" stderr_empty
controls_are "wrong types" FAIL CRITICAL SNMP-001
controls_are "wrong types: values of the wrong type are not evaluated" ERROR UNKNOWN SNMP-005 SNMP-007 SNMP-008
assert "wrong types: the reason says so" grep -q 'wrong type' "$OUT"

peer_snmp_hostile oversized
started "oversized peer"
run oversized -H 127.0.0.1 -p "$PORT" -t 3 --output-format json
assert "65000-byte answer: ends with a verdict (exit 2 or 3)" [ "$RC" -eq 2 -o "$RC" -eq 3 ]
assert "65000-byte answer: stderr empty" stderr_empty
assert "65000-byte answer: within -t (3 s)" within 3
assert "65000-byte answer: the output stays under --max-output" [ "$(wc -c <"$OUT")" -le 9000 ]

peer_snmp_hostile malformed
started "malformed peer"
run malformed -H 127.0.0.1 -p "$PORT" -t 2
assert "malformed BER: exit 3" rc_is 3
assert "malformed BER: nothing valid came back" \
	line1_is "BASELINE UNKNOWN - snmp 127.0.0.1:$PORT: no SNMP answer from 127.0.0.1:$PORT"
assert "malformed BER: within -t (2 s)" within 2
assert "malformed BER: stderr empty" stderr_empty

# ---- bad input ----------------------------------------------------------------

printf 'version = 2c\ncommunity = s3cr3t-community\n' >"$T/open.cred"
chmod 644 "$T/open.cred"
run open-cred -H 127.0.0.1 -p "$PORT" --credentials "$T/open.cred"
assert "a credentials file readable by others: exit 3" rc_is 3
assert "a credentials file readable by others: the line says so" \
	line1_is "BASELINE UNKNOWN - snmp 127.0.0.1:$PORT: credentials '$T/open.cred': readable by group or others (mode 0644), chmod 600 it"
assert "a credentials file readable by others: its community is not shown" \
	bash -c "! grep -q s3cr3t-community '$OUT'"
run missing-cred -H 127.0.0.1 -p "$PORT" --credentials "$T/nope.cred"
assert "a missing credentials file: exit 3" rc_is 3
assert "a missing credentials file: stderr empty" stderr_empty

# a baseline whose community list breaks its rules is reported, not cut short
"$PY" - "$BASELINE" "$T/six.json" "$T/pub.json" <<'EOF'
import json, sys
b = json.load(open(sys.argv[1]))
b["tables"]["snmp_default_communities"] = ["a", "b", "c", "d", "e", "f"]
json.dump(b, open(sys.argv[2], "w"))
b["tables"]["snmp_default_communities"] = ["private", "public"]
json.dump(b, open(sys.argv[3], "w"))
EOF
run six -H 127.0.0.1 -p "$PORT" -B "$T/six.json"
assert "six default communities in the baseline: exit 3" rc_is 3
assert "six default communities: the line names the table" \
	line1_is "BASELINE UNKNOWN - snmp 127.0.0.1:$PORT: baseline '$T/six.json': tables.snmp_default_communities: expected an array of at most 5 communities"
run pub -H 127.0.0.1 -p "$PORT" -B "$T/pub.json"
assert "'public' in the baseline's list: the line names the entry" \
	line1_is "BASELINE UNKNOWN - snmp 127.0.0.1:$PORT: baseline '$T/pub.json': tables.snmp_default_communities[1]: expected a community other than \"public\""

echo "1..$n"
[ "$failed" -eq 0 ]
