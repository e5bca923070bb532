#!/usr/bin/env bash
# check_baseline_ssh against real OpenSSH servers and hostile peers, loopback only.
#
#   HARDENED  ed25519 + RSA 4096, modern algorithms only, no password login,
#             on 127.0.0.1 and ::1
#   WEAK      RSA 1024 + DSA host keys, SHA-1/1024-bit key exchange, 3DES/CBC,
#             MD5/SHA-1/-96 MACs, password and keyboard-interactive login
#   hostile   python3 peers: a 1 MB banner, garbage after the banner, silence,
#             a real banner and KEXINIT then silence, an immediate close,
#             SSH-1.5; and a closed port
#
# Every daemon and peer is started here and stopped by PID on exit. Prints TAP.
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build/rel}
CHECK=$BUILD/check_baseline_ssh

# shellcheck source=tests/integration/lib.sh
. tests/integration/lib.sh

# The plugin output rules: one '|' (on the first line), results worst first.
nagios_shape() {
	"$PY" - "$OUT" <<'EOF'
import sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
bad = False
if "|" not in lines[0]:
    print("# no perfdata on the first line")
    bad = True
for i, l in enumerate(lines[1:], 2):
    if "|" in l:
        print("# line %d has a '|': %s" % (i, l))
        bad = True
rank = {"[CRITICAL]": 0, "[WARNING]": 1, "[UNKNOWN]": 2, "[WAIVED]": 3, "[OK]": 4, "[N/A]": 5}
keys = []
for l in lines[1:]:
    tag = l.split(" ", 1)[0]
    if tag in rank:
        keys.append((rank[tag], l.split(" ", 2)[1]))
if len(keys) != 8:
    print("# %d control lines, expected 8" % len(keys))
    bad = True
if keys != sorted(keys):
    print("# not worst first: %s" % keys)
    bad = True
sys.exit(1 if bad else 0)
EOF
}

start_ssh_peers

# ---- hardened ---------------------------------------------------------------

H002=$(ssh002_expected "$HPORT")
echo "# SSH-002 for this sshd's banner, by the baseline's table: $H002"
assert "the baseline's version table covers this sshd (SSH-002 $H002)" \
	[ "$H002" = PASS -o "$H002" = FAIL ]
if [ "$H002" = PASS ]; then HRC=0 HSTATE=OK; else HRC=1 HSTATE=WARNING; fi

run hardened-json -H 127.0.0.1 -p "$HPORT" --output-format json
assert "hardened json: exit $HRC" rc_is "$HRC"
assert "hardened json: stderr empty" stderr_empty
for id in SSH-001 SSH-003 SSH-004 SSH-005 SSH-006 SSH-007 SSH-008; do
	assert "hardened: $id PASS" control "$id" PASS OK
done
assert "hardened: SSH-002 $H002" control SSH-002 "$H002"

run hardened -H 127.0.0.1 -p "$HPORT"
assert "hardened: exit $HRC" rc_is "$HRC"
assert "hardened: first line 'BASELINE $HSTATE - ssh 127.0.0.1:$HPORT'" \
	line1_is "BASELINE $HSTATE - ssh 127.0.0.1:$HPORT:"
assert "hardened: stderr empty" stderr_empty
assert "hardened: '|' only on the first line, results worst first" nagios_shape

run hardened-v6 -H ::1 -p "$HPORT" --output-format json
assert "hardened over IPv6: exit $HRC" rc_is "$HRC"
assert "hardened over IPv6: stderr empty" stderr_empty
for id in SSH-001 SSH-003 SSH-004 SSH-005 SSH-006 SSH-007 SSH-008; do
	assert "hardened over IPv6: $id PASS" control "$id" PASS OK
done
run hardened-v6-nagios -H ::1 -p "$HPORT"
assert "hardened over IPv6: first line names [::1]:$HPORT" \
	line1_is "BASELINE $HSTATE - ssh [::1]:$HPORT:"

# ---- weak -------------------------------------------------------------------

W002=$(ssh002_expected "$WPORT")
run weak-json -H 127.0.0.1 -p "$WPORT" --output-format json
assert "weak json: exit 2" rc_is 2
assert "weak json: stderr empty" stderr_empty
assert "weak: SSH-001 PASS" control SSH-001 PASS OK
assert "weak: SSH-002 $W002" control SSH-002 "$W002"
assert "weak: SSH-003 FAIL critical" control SSH-003 FAIL CRITICAL
assert "weak: SSH-004 FAIL critical" control SSH-004 FAIL CRITICAL
assert "weak: SSH-005 FAIL critical" control SSH-005 FAIL CRITICAL
assert "weak: SSH-006 FAIL critical (ssh-dss offered)" control SSH-006 FAIL CRITICAL
assert "weak: SSH-007 PASS (kex-strict offered)" control SSH-007 PASS OK
assert "weak: SSH-008 FAIL warning" control SSH-008 FAIL WARNING

run weak -H 127.0.0.1 -p "$WPORT"
assert "weak: exit 2" rc_is 2
assert "weak: first line 'BASELINE CRITICAL - ssh 127.0.0.1:$WPORT'" \
	line1_is "BASELINE CRITICAL - ssh 127.0.0.1:$WPORT:"
assert "weak: stderr empty" stderr_empty
assert "weak: '|' only on the first line, results worst first" nagios_shape

# ---- hostile peers ----------------------------------------------------------

cat >"$T/peer.py" <<'EOF'
# A hostile peer on 127.0.0.1: python3 peer.py MODE READYFILE. Writes its port
# to READYFILE once listening; serves every connection the same way.
import os, socket, sys, threading, time

mode, ready = sys.argv[1], sys.argv[2]

def serve(c):
    try:
        if mode == "bigbanner":	# 1 MB and no end of line
            c.sendall(b"A" * (1 << 20))
        elif mode == "garbage":	# a banner, then random bytes instead of a packet
            c.sendall(b"SSH-2.0-Hostile_1.0\r\n" + b"\xff" + os.urandom(4095))
        elif mode == "stall":	# a real banner and KEXINIT, then nothing
            c.sendall(open(os.environ["CAPTURE"], "rb").read())
        elif mode == "ssh15":
            c.sendall(b"SSH-1.5-OldServer_1.0\r\n")
        elif mode == "close":
            c.close()
            return
        time.sleep(30)	# "silent" and the others: keep the connection open
    except OSError:
        pass
    c.close()

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
s.listen(16)
with open(ready + ".tmp", "w") as f:
    f.write(str(s.getsockname()[1]))
os.rename(ready + ".tmp", ready)
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
EOF

# start_peer MODE: sets PPORT.
start_peer() {
	local i
	"$PY" "$T/peer.py" "$1" "$T/$1.port" 2>"$T/$1.peer.log" &
	PIDS+=("$!")
	for i in $(seq 100); do
		[ -s "$T/$1.port" ] && break
		sleep 0.05
	done
	PPORT=$(cat "$T/$1.port" 2>/dev/null)
	[ -n "$PPORT" ]
}

start_peer bigbanner
assert "peer 'bigbanner' listening" [ -n "$PPORT" ]
run bigbanner -H 127.0.0.1 -p "$PPORT"
assert "1 MB banner: exit 3" rc_is 3
assert "1 MB banner: says no identification string in the first 8192 bytes" \
	line1_is "BASELINE UNKNOWN - ssh 127.0.0.1:$PPORT: no SSH identification string in the first 8192 bytes"
assert "1 MB banner: stderr empty" stderr_empty

start_peer garbage
assert "peer 'garbage' listening" [ -n "$PPORT" ]
run garbage -H 127.0.0.1 -p "$PPORT"
assert "garbage after the banner: exit 3" rc_is 3
assert "garbage after the banner: says no valid KEXINIT" \
	line1_is "BASELINE UNKNOWN - ssh 127.0.0.1:$PPORT: no valid KEXINIT after the identification string 'SSH-2.0-Hostile_1.0'"
assert "garbage after the banner: stderr empty" stderr_empty
assert "garbage after the banner: within 5 s" [ "$SECS" -lt 5 ]

start_peer silent
assert "peer 'silent' listening" [ -n "$PPORT" ]
run silent -H 127.0.0.1 -p "$PPORT" -t 2
assert "silent peer, -t 2: exit 3" rc_is 3
assert "silent peer, -t 2: finishes within 3 s (took ${SECS}s)" [ "$SECS" -lt 3 ]
assert "silent peer: first line says timeout in stage 'banner'" \
	line1_is "BASELINE UNKNOWN - ssh 127.0.0.1:$PPORT: timeout after 2s in stage 'banner'"
assert "silent peer: stderr empty" stderr_empty
run silent-crit -H 127.0.0.1 -p "$PPORT" -t 2 --timeout-result critical
assert "silent peer, --timeout-result critical: exit 2" rc_is 2
assert "silent peer, --timeout-result critical: first line CRITICAL, stage 'banner'" \
	line1_is "BASELINE CRITICAL - ssh 127.0.0.1:$PPORT: timeout after 2s in stage 'banner'"

CAPTURE=$PWD/tests/fuzz/corpus/ssh_wire/openssh-9.2-debian12-kexinit.bin start_peer stall
assert "peer 'stall' listening" [ -n "$PPORT" ]
run stall -H 127.0.0.1 -p "$PPORT" -t 2
assert "banner and KEXINIT, then silence, -t 2: exit 3" rc_is 3
assert "banner and KEXINIT, then silence: finishes within 3 s (took ${SECS}s)" [ "$SECS" -lt 3 ]
assert "banner and KEXINIT, then silence: timeout in stage 'hostkey'" \
	line1_is "BASELINE UNKNOWN - ssh 127.0.0.1:$PPORT: timeout after 2s in stage 'hostkey'"
assert "banner and KEXINIT, then silence: stderr empty" stderr_empty

start_peer close
assert "peer 'close' listening" [ -n "$PPORT" ]
run close -H 127.0.0.1 -p "$PPORT"
assert "immediate close: exit 3" rc_is 3
assert "immediate close: says closed before the identification string" \
	line1_is "BASELINE UNKNOWN - ssh 127.0.0.1:$PPORT: connection closed by the server before its SSH identification string"
assert "immediate close: stderr empty" stderr_empty

start_peer ssh15
assert "peer 'ssh15' listening" [ -n "$PPORT" ]
run ssh15 -H 127.0.0.1 -p "$PPORT" --output-format json
assert "SSH-1.5 peer: exit 2" rc_is 2
assert "SSH-1.5 peer: SSH-001 FAIL critical" control SSH-001 FAIL CRITICAL
assert "SSH-1.5 peer: SSH-003 not evaluated" control SSH-003 ERROR
assert "SSH-1.5 peer: stderr empty" stderr_empty
run ssh15-nagios -H 127.0.0.1 -p "$PPORT"
assert "SSH-1.5 peer: first line CRITICAL naming SSH-001" \
	line1_has "SSH-001"
assert "SSH-1.5 peer: first line starts 'BASELINE CRITICAL - ssh'" \
	line1_is "BASELINE CRITICAL - ssh 127.0.0.1:$PPORT:"

CPORT=$(free_port)
run refused -H 127.0.0.1 -p "$CPORT"
assert "closed port: exit 3" rc_is 3
assert "closed port: says connection refused" \
	line1_is "BASELINE UNKNOWN - ssh 127.0.0.1:$CPORT: cannot connect to 127.0.0.1:$CPORT: connection refused"
assert "closed port: stderr empty" stderr_empty
run refused-crit -H 127.0.0.1 -p "$CPORT" --unreachable-result critical
assert "closed port, --unreachable-result critical: exit 2" rc_is 2
assert "closed port, --unreachable-result critical: first line CRITICAL" \
	line1_is "BASELINE CRITICAL - ssh 127.0.0.1:$CPORT: cannot connect"

echo "1..$n"
[ "$failed" -eq 0 ]
