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
BASELINE=baselines/dk-kommune.json
PY=/usr/bin/python3
export LC_ALL=C

T=$(mktemp -d /tmp/cyberbaseline-ssh.XXXXXX)
PIDS=()
n=0
failed=0

cleanup() {
	local pid i
	for pid in "${PIDS[@]}"; do
		# let sshd's per-connection children finish first (they would outlive it)
		for i in $(seq 40); do
			[ -z "$(ps -o pid= --ppid "$pid" 2>/dev/null)" ] && break
			sleep 0.05
		done
		kill "$pid" 2>/dev/null
	done
	for pid in "${PIDS[@]}"; do
		wait "$pid" 2>/dev/null
	done
	rm -rf "$T"
}
trap cleanup EXIT

ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
# assert DESCRIPTION COMMAND...: ok when the command succeeds
assert() {
	local what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}
diag() { sed 's/^/# /' "$@"; }

for need in "$CHECK" "$BASELINE" /usr/sbin/sshd /usr/bin/ssh-keygen "$PY"; do
	if [ ! -e "$need" ]; then
		not_ok "prerequisite '$need' exists"
		echo "1..$n"
		exit 1
	fi
done
mkdir -p /run/sshd

# A TCP port free on both 127.0.0.1 and ::1.
free_port() {
	"$PY" - <<'EOF'
import socket
for _ in range(50):
    a = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    a.bind(("127.0.0.1", 0))
    port = a.getsockname()[1]
    try:
        b = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        b.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        b.bind(("::1", port))
        b.close()
    except OSError:
        a.close()
        continue
    a.close()
    print(port)
    break
EOF
}

# wait_port HOST PORT: until it accepts connections (5 s at most).
wait_port() {
	"$PY" - "$1" "$2" <<'EOF'
import socket, sys, time
end = time.time() + 5
while time.time() < end:
    try:
        socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=0.5).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(1)
EOF
}

# start_sshd NAME PORT CONFIG-LINES: runs sshd -D in the background.
start_sshd() {
	local name=$1 port=$2 conf=$T/$1/sshd_config
	printf '%s\n' "$3" >"$conf"
	/usr/sbin/sshd -D -e -f "$conf" -p "$port" -o PidFile="$T/$name/sshd.pid" \
		2>"$T/$name/sshd.log" &
	PIDS+=("$!")
	if ! wait_port 127.0.0.1 "$port"; then
		echo "# sshd $name did not start:"
		diag "$T/$name/sshd.log"
		return 1
	fi
}

# run NAME ARGS...: runs the check (bounded by `timeout 20`); sets RC, OUT, ERR, SECS.
run() {
	local name=$1 t0 t1
	shift
	OUT=$T/$name.out
	ERR=$T/$name.err
	t0=$(date +%s%N)
	timeout 20 "$CHECK" -B "$BASELINE" "$@" >"$OUT" 2>"$ERR"
	RC=$?
	t1=$(date +%s%N)
	SECS=$(((t1 - t0) / 1000000000))
}

first_line() { head -n 1 "$OUT"; }
starts_with() { case "$(first_line)" in "$1"*) return 0 ;; *) return 1 ;; esac; }
contains() { case "$(first_line)" in *"$1"*) return 0 ;; *) return 1 ;; esac; }
rc_is() {
	[ "$RC" -eq "$1" ] && return 0
	echo "# exit code $RC, expected $1; output:"
	diag "$OUT"
	return 1
}
stderr_empty() {
	[ ! -s "$ERR" ] && return 0
	echo "# stderr:"
	diag "$ERR"
	return 1
}
line1_is() {
	starts_with "$1" && return 0
	echo "# first line: $(first_line)"
	echo "# expected to start with: $1"
	return 1
}
line1_has() {
	contains "$1" && return 0
	echo "# first line: $(first_line)"
	echo "# expected to contain: $1"
	return 1
}

# control ID RESULT [STATE]: the control's result (and state) in the JSON output $OUT.
control() {
	"$PY" - "$OUT" "$@" <<'EOF'
import json, sys
path, cid, want = sys.argv[1], sys.argv[2], sys.argv[3]
state = sys.argv[4] if len(sys.argv) > 4 else None
try:
    doc = json.load(open(path))
except ValueError as e:
    print("# output is not JSON: %s" % e)
    sys.exit(1)
found = [c for c in doc.get("controls", []) if c.get("id") == cid]
if len(found) != 1:
    print("# %s appears %d times in the output" % (cid, len(found)))
    sys.exit(1)
c = found[0]
if c.get("result") != want or (state and c.get("state") != state):
    print("# %s: result %s state %s, expected %s %s" % (cid, c.get("result"), c.get("state"),
                                                     want, state or ""))
    print("# observed: %s" % c.get("observed"))
    print("# reason: %s" % c.get("reason"))
    sys.exit(1)
EOF
}

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

# What the baseline's ssh_minimum_versions table implies for the banner of the
# server on PORT: PASS or FAIL. Independent of our engine: Python regex for the
# row, dpkg --compare-versions for the comparison.
ssh002_expected() {
	"$PY" - "$BASELINE" "$1" <<'EOF'
import json, re, socket, subprocess, sys
table = json.load(open(sys.argv[1]))["tables"]["ssh_minimum_versions"]
s = socket.create_connection(("127.0.0.1", int(sys.argv[2])), timeout=5)
line = b""
while not line.endswith(b"\n"):
    line += s.recv(1)
s.close()
version = line.decode().strip().split("-", 2)[2]	# "OpenSSH_9.2p1 Debian-2+deb12u10"
def dpkg(v):	# "OpenSSH_9.2p1 Debian-2+deb12u10" -> "9.2p1-2+deb12u10"
    sw, _, comment = v.partition(" ")
    out = sw.split("_", 1)[1]
    return out + "-" + comment.split("-", 1)[1] if "-" in comment else out
for row in table:
    if re.search(row["match"], version):
        ge = subprocess.call(["dpkg", "--compare-versions", dpkg(version), "ge",
                              dpkg(row["minimum"])]) == 0
        print("PASS" if ge else "FAIL")
        break
else:
    print("ERROR")
EOF
}

# ---- the two real servers ---------------------------------------------------

mkdir -p "$T/hardened" "$T/weak"
ssh-keygen -q -N '' -t ed25519 -f "$T/hardened/ed25519" </dev/null
ssh-keygen -q -N '' -t rsa -b 4096 -f "$T/hardened/rsa" </dev/null
if ! ssh-keygen -q -N '' -t rsa -b 1024 -f "$T/weak/rsa" </dev/null 2>/dev/null; then
	ssh-keygen -q -N '' -t rsa -b 2048 -f "$T/weak/rsa" </dev/null
fi
ssh-keygen -q -N '' -t dsa -f "$T/weak/dsa" </dev/null

HPORT=$(free_port)
WPORT=$(free_port)
# DebianBanner stays on (the default): SSH-002 compares the Debian package revision.
start_sshd hardened "$HPORT" "HostKey $T/hardened/ed25519
HostKey $T/hardened/rsa
ListenAddress 127.0.0.1
ListenAddress [::1]
KexAlgorithms sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org
Ciphers chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-gcm@openssh.com
MACs hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com
HostKeyAlgorithms ssh-ed25519,rsa-sha2-512,rsa-sha2-256
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
UsePAM no"
assert "hardened sshd accepts connections on 127.0.0.1:$HPORT" [ $? -eq 0 ]
start_sshd weak "$WPORT" "HostKey $T/weak/rsa
HostKey $T/weak/dsa
ListenAddress 127.0.0.1
KexAlgorithms +diffie-hellman-group1-sha1,diffie-hellman-group14-sha1
Ciphers +3des-cbc,aes128-cbc
MACs +hmac-md5,hmac-sha1,hmac-sha1-96
HostKeyAlgorithms +ssh-rsa,ssh-dss
PasswordAuthentication yes
KbdInteractiveAuthentication yes
UsePAM no"
assert "weak sshd accepts connections on 127.0.0.1:$WPORT" [ $? -eq 0 ]

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
