#!/usr/bin/env bash
# Shared by the integration tests: TAP helpers, loopback ports, real sshd peers,
# running a check and reading its output. Source it after setting CHECK (and
# optionally BASELINE); it creates $T and stops every process in PIDS on exit.
# shellcheck disable=SC2034  # variables are used by the sourcing scripts
BASELINE=${BASELINE:-baselines/dk-kommune.json}
PY=/usr/bin/python3
export LC_ALL=C

T=$(mktemp -d /tmp/cyberbaseline-test.XXXXXX)
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

# start_ssh_peers: host keys in $T, then the HARDENED sshd on 127.0.0.1 and ::1
# (port $HPORT) and the WEAK one on 127.0.0.1 (port $WPORT); asserts both started.
start_ssh_peers() {
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
}
