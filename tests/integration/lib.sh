#!/usr/bin/env bash
# Shared by the integration tests: TAP helpers, the real sshd peers of
# scripts/peers.sh (free_port, wait_port, start_ssh_peers), running a check and
# reading its output. Source it after setting CHECK (and optionally BASELINE);
# it creates $T and, on exit, stops the peers and every process in PIDS.
# shellcheck disable=SC2034  # variables are used by the sourcing scripts
BASELINE=${BASELINE:-baselines/dk-kommune.json}
PY=/usr/bin/python3
export LC_ALL=C

T=$(mktemp -d /tmp/cyberbaseline-test.XXXXXX)
PIDS=()
# free_port, wait_port, the HARDENED and WEAK sshd peers, peers_stop; in $T.
PEER_DIR=$T
# shellcheck source=scripts/peers.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/peers.sh"

n=0
failed=0

cleanup() {
	peers_stop "${PIDS[@]}"	# the sshd peers, and what the tests added to PIDS
	rm -rf "$T"
}
trap cleanup EXIT

ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
skip() { n=$((n + 1)); echo "ok $n # SKIP $*"; }
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

# start_ssh_peers: the HARDENED sshd on 127.0.0.1 and ::1 (port $HPORT) and the
# WEAK one on 127.0.0.1 (port $WPORT), from scripts/peers.sh; asserts both started.
start_ssh_peers() {
	peer_ssh_hardened
	assert "hardened sshd accepts connections on 127.0.0.1:$PEER_PORT" [ $? -eq 0 ]
	HPORT=$PEER_PORT
	peer_ssh_weak
	assert "weak sshd accepts connections on 127.0.0.1:$PEER_PORT" [ $? -eq 0 ]
	WPORT=$PEER_PORT
}

# started NAME: asserts that the peer function just called succeeded; sets PORT.
started() {
	local rc=$?
	assert "$1 peer started on 127.0.0.1:$PEER_PORT" [ "$rc" -eq 0 ]
	PORT=$PEER_PORT
}

# start_mail_peers: the peers of a mail domain (scripts/peers.sh), each asserted started:
# nsd + a validating unbound (sets DNS), nginx with the MTA-STS policy (STS) and the
# SMTP peer with STARTTLS (SMTP).
start_mail_peers() {
	peer_dns
	started "nsd + validating unbound"
	DNS=$PORT
	peer_mtasts
	started "MTA-STS policy (nginx)"
	STS=$PORT
	peer_mail smtp
	started "SMTP with STARTTLS"
	SMTP=$PORT
}

# controls_are WHAT RESULT STATE ID...: each control's result and state in $OUT.
controls_are() {
	local what=$1 res=$2 st=$3 id
	shift 3
	for id in "$@"; do
		assert "$what: $id $res $st" control "$id" "$res" "$st"
	done
}

# within SECONDS: the last run took at most that long (whole seconds).
within() {
	[ "$SECS" -le "$1" ] && return 0
	echo "# took ${SECS}s"
	return 1
}

# host_tree NAME [DEST]: a copy of the host fixture NAME (tests/fixtures/host/NAME) in
# $T/DEST (default NAME) with the modes and owners git cannot keep
# (tests/fixtures/host/README.md) and the file times its controls measure,
# against CB_TODAY=2026-11-28; prints its path. test_host.sh and
# test_schedulers.sh evaluate these trees.
host_tree() {
	local fix=tests/fixtures/host rootly=true d=$T/${2:-$1}
	[ "$(id -u)" -eq 0 ] || rootly=false
	cp -r "$fix/$1" "$d"
	chmod -R u+rwX,go+rX,go-w "$d"
	if $rootly; then
		chown -R 0:0 "$d"
	fi
	# the times the controls measure, against CB_TODAY (noon UTC)
	touch -d '2026-11-28 06:00 UTC' "$d/var/lib/apt/periodic/update-success-stamp"
	case $1 in
	compliant)
		# the security index as apt keeps it with Acquire::GzipIndexes and lz4
		local idx=$d/var/lib/apt/lists/deb.debian.org_debian-security_dists_bookworm-security_main_binary-amd64_Packages
		lz4 -q -f "$idx" "$idx.lz4" >/dev/null && rm "$idx"
		touch -d '2026-11-27 06:00 UTC' "$d"/var/lib/apt/lists/*
		touch -d '2026-11-28 04:00 UTC' "$d/var/log/aide/aide.log"
		touch -d '2026-11-27 22:00 UTC' "$d/var/lib/clamav/daily.cld"
		touch -d '2026-11-20 10:00 UTC' "$d/boot/vmlinuz-6.1.0-27-amd64"
		chmod 0640 "$d/etc/shadow" "$d/etc/gshadow"
		$rootly && chgrp 42 "$d/etc/shadow" "$d/etc/gshadow"
		chmod 0600 "$d/etc/ssh/sshd_config" "$d"/etc/ssh/ssh_host_*_key
		chmod 0440 "$d/sys/kernel/security/apparmor/profiles" "$d/etc/sudoers" "$d"/etc/sudoers.d/*
		;;
	noncompliant)
		gzip -n "$d/var/lib/apt/lists/security.debian.org_debian-security_dists_bullseye-security_main_binary-amd64_Packages" >/dev/null
		touch -d '2026-11-01 06:00 UTC' "$d"/var/lib/apt/lists/*
		chmod 0644 "$d/etc/shadow" "$d"/etc/ssh/ssh_host_*_key
		touch -d '2026-11-28 10:00 UTC' "$d/var/spool/rsyslog/fwdq.00000001"
		touch -d '2026-10-01 08:00 UTC' "$d/var/lib/apt/periodic/update-success-stamp" \
			"$d/run/reboot-required" "$d/boot/vmlinuz-5.10.0-30-amd64"
		;;
	esac
	echo "$d"
}
