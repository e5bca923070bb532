#!/usr/bin/env bash
# check_baseline_host against fixture trees (--root) and against this
# machine, as root and as an unprivileged user:
#
#   compliant     tests/fixtures/host/compliant: every implemented control passes
#   noncompliant  tests/fixtures/host/noncompliant: every one fails, worst first
#   unreadable    the compliant tree run as nobody: /etc/shadow and the AppArmor
#                 profiles cannot be read, so their controls are not evaluated
#   hostile       a link to a device, a FIFO, a huge file, a tree without /proc
#   this machine  a well-formed result, as root and as nobody
#
# Every control is asserted by id in the JSON output, the exit code and the
# first line; stderr must stay empty. The date is fixed (CB_TODAY) so that the
# end-of-support arithmetic does not change under the tests. Prints TAP.
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build/rel}
CHECK=$BUILD/check_baseline_host
export CB_TODAY=2026-11-28

# shellcheck source=tests/integration/lib.sh
. tests/integration/lib.sh

FIX=tests/fixtures/host
ALL_BASIS=(LNX-001 LNX-002 LNX-003 LNX-004 LNX-005 LNX-006 LNX-007 LNX-008 LNX-011 LNX-012 LNX-013 LNX-016 LNX-010 LNX-017 LNX-018 LNX-019 LOG-001 LOG-002 LOG-003 LOG-005 LOG-006 BAK-001 BAK-002 BAK-004)
ALL_UDVIDET=("${ALL_BASIS[@]}" LNX-009 LNX-014 LNX-015 LNX-020 LNX-021 LOG-004 BAK-003)
# the fixture's own approved listeners and time servers, for LNX-009 and LNX-012
TAILORING=$FIX/tailoring-listeners.json
ROOTLY=true
[ "$(id -u)" -eq 0 ] || ROOTLY=false

# ---- compliant ----------------------------------------------------------------

C=$(host_tree compliant)
run compliant-json --root "$C" -P udvidet --output-format json
assert "compliant: exit 0" rc_is 0
assert "compliant: stderr empty" stderr_empty
controls_are "compliant" PASS OK "${ALL_UDVIDET[@]}"
run compliant --root "$C"
assert "compliant: exit 0 (basis)" rc_is 0
assert "compliant: first line" \
	line1_is "BASELINE OK - host web-01.kommune.example ($C): ${#ALL_BASIS[@]} of ${#ALL_BASIS[@]} controls passed"
assert "compliant: stderr empty (basis)" stderr_empty
assert "compliant: LNX-001 counts the days to Debian 12's end of support (2028-06-30)" \
	grep -q 'host.os_support_days=580' "$OUT"
assert "compliant: BAK-001 reads the marker's age (02:10Z to noon: 9 hours)" \
	grep -qE 'host.backup_age_hours=9($|;)' "$OUT"
run compliant-tailored --root "$C" -P udvidet --tailoring "$TAILORING" --output-format json
controls_are "compliant, with the approved listeners and time servers" PASS OK LNX-009 LNX-012
assert "compliant, tailored: exit 0" rc_is 0
assert "compliant: LNX-002 reads the .lz4 security index: nothing pending (bookworm-updates is not security)" \
	grep -q 'host.security_updates=(none); host.apt_security_index_age_days=1' "$OUT"
assert "compliant: LNX-006 takes the included file's PasswordAuthentication no (read first, so it wins)" \
	grep -q 'host.sshd_password_login=false' "$OUT"
assert "compliant: LNX-007 reads LoginGraceTime 1m as 60 s" grep -q 'host.sshd_logingracetime=60;' "$OUT"
assert "compliant: LOG-005 takes the rsyslog stanza's daily x 30, not the defaults" \
	grep -q 'host.log_retention_days=30; host.journal_retention_days=36500' "$OUT"
assert "compliant: LOG-002 reads the multi-line omfwd action and sees the TLS session to 6514" \
	grep -q 'host.log_forward_targets=tcp:logs.kommune.example:6514; host.log_forward_connected=true' "$OUT"

# ---- non-compliant ------------------------------------------------------------

N=$(host_tree noncompliant)
run noncompliant-json --root "$N" -P udvidet --output-format json
assert "non-compliant: exit 2" rc_is 2
assert "non-compliant: stderr empty" stderr_empty
controls_are "non-compliant" FAIL CRITICAL LNX-001 LNX-002 LNX-004 LNX-005 LNX-006 LNX-008 LNX-010 LNX-011 LNX-012 LNX-017 LOG-001 LOG-002 BAK-001
controls_are "non-compliant" FAIL WARNING LNX-003 LNX-007 LNX-016 LNX-018 LNX-020 LNX-021 LOG-003 LOG-004 LOG-005
assert "non-compliant: LNX-002 counts 3 pending from the .gz security index (libc6 of two architectures once), 88 days since the last upgrade" \
	grep -q 'host.security_updates includes .* (of 3); host.days_since_upgrade=88' "$OUT"
assert "non-compliant: LNX-002 names each with its versions" \
	grep -q 'openssh-server 1:8.4p1-5+deb11u1 to 1:8.4p1-5+deb11u3' "$OUT"
assert "non-compliant: LNX-005 sees the Match block's 'yes' beside the global value" \
	grep -q 'host.sshd_permitrootlogin includes yes' "$OUT"
assert "non-compliant: LNX-007 reads the first MaxAuthTries and LoginGraceTime 0 as no limit" \
	grep -q 'host.sshd_maxauthtries=10; host.sshd_logingracetime=2147483647' "$OUT"
assert "non-compliant: LOG-005 computes weekly x 4 = 28 days, and journald's 1week" \
	grep -q 'host.log_retention_days=28; host.journal_retention_days=7' "$OUT"
assert "non-compliant: LOG-003 sees a queue file 2 hours old" \
	grep -q 'host.log_queue_oldest_minutes=120' "$OUT"
assert "non-compliant: LNX-004 counts from /run/reboot-required (58 days)" \
	grep -q 'host.reboot_pending_days=58' "$OUT"
assert "non-compliant: LNX-018 names the NOPASSWD group (a continued line) and the !authenticate user" \
	grep -q 'host.sudo_nopasswd includes %sudo, deploy' "$OUT"
assert "non-compliant: no community of snmpd.conf appears in the output" \
	bash -c "! grep -q 'S3cr3t-legacy' '$OUT'"
assert "non-compliant: LOG-002 names the UDP target it cannot confirm" \
	grep -q 'host.log_forward_targets=udp:oldlogs.example:514' "$OUT"
controls_are "non-compliant" FAIL WARNING LNX-013 LNX-014 LNX-015 LNX-019 BAK-002 BAK-003 BAK-004
controls_are "non-compliant (the disk has room)" PASS OK LOG-006
controls_are "non-compliant (no listener list nationally)" PASS OK LNX-009
run noncompliant-tailored --root "$N" -P udvidet --tailoring "$TAILORING" --output-format json
controls_are "non-compliant, with the approved listeners" FAIL WARNING LNX-009
assert "non-compliant, tailored: LNX-009 names telnet and tftp" \
	grep -q 'host.listeners includes tcp/23, udp/69' "$OUT"
assert "non-compliant: LNX-017 names the second UID 0, the unshadowed and the empty password" \
	grep -q 'toor' "$OUT"
assert "non-compliant: LNX-017 names guest (no shadow entry) and test (empty)" \
	bash -c "grep -q 'guest' '$OUT' && grep -q 'test' '$OUT'"
assert "non-compliant: LNX-019 names /etc/shadow 0644" grep -q '/etc/shadow 0644' "$OUT"
assert "non-compliant: LNX-015 names the unconfined profile" grep -q 'cupsd (unconfined)' "$OUT"
CB_TODAY=2026-09-05 run noncompliant-fresh --root "$N" --output-format json
controls_are "non-compliant, four days after its last upgrade: pending but not yet overdue" FAIL WARNING LNX-002
run noncompliant --root "$N" -P udvidet --max-output 100000
assert "non-compliant: first line names a critical failure first" \
	line1_is "BASELINE CRITICAL - host old-01.kommune.example ($N): 29 of 31 controls failed (13 critical, 16 warning): BAK-001 "
assert "non-compliant: the critical lines come before the warning lines" \
	bash -c "awk '/^\\[(CRITICAL|WARNING)\\]/ { print \$1 }' '$OUT' | tr '\\n' ' ' | grep -qx '\\(\\[CRITICAL\\] \\)\\{13\\}\\(\\[WARNING\\] \\)\\{16\\}'"
# a week before the end of Debian 11's support: warning, not critical
CB_TODAY=2026-08-24 run noncompliant-soon --root "$N" --output-format json
controls_are "Debian 11 a week before its end of support" FAIL WARNING LNX-001

# ---- unprivileged -------------------------------------------------------------

if $ROOTLY && command -v setpriv >/dev/null 2>&1; then
	chmod 0755 "$T"
	# nobody may not enter the checkout (a fresh clone lives in a 0700
	# directory): the check and the baseline are copied where it may
	mkdir -m 0755 "$T/bin"
	cp "$CHECK" "$T/bin/check_baseline_host"
	cp "$BASELINE" "$T/bin/baseline.json"
	chmod 0755 "$T/bin/check_baseline_host"
	chmod 0644 "$T/bin/baseline.json"
	# as nobody: /etc/shadow (0640 root:shadow) and the AppArmor profiles (0440) are closed
	unpriv() {
		local name=$1
		shift
		OUT=$T/$name.out
		ERR=$T/$name.err
		(cd / && setpriv --reuid=65534 --regid=65534 --clear-groups env CB_TODAY="$CB_TODAY" \
			timeout 20 "$T/bin/check_baseline_host" -B "$T/bin/baseline.json" "$@") >"$OUT" 2>"$ERR"
		RC=$?
	}
	unpriv unpriv-json --root "$C" -P udvidet --output-format json
	assert "unprivileged: exit 3 (never OK on what it could not read)" rc_is 3
	assert "unprivileged: stderr empty" stderr_empty
	controls_are "unprivileged" ERROR UNKNOWN LNX-005 LNX-006 LNX-007 LNX-015 LNX-017 LNX-018
	assert "unprivileged: LNX-005 says it needs read access to sshd_config (0600, as LNX-019 asks)" \
		grep -q 'needs read access to /etc/ssh/sshd_config' "$OUT"
	controls_are "unprivileged (readable by anyone)" PASS OK LNX-001 LNX-002 LNX-003 LNX-004 LNX-008 LNX-010 LNX-009 LNX-011 LNX-012 LNX-013 LNX-014 LNX-016 LNX-019 LNX-020 LNX-021 LOG-001 LOG-002 LOG-003 LOG-004 LOG-005 LOG-006 BAK-001 BAK-002 BAK-003 BAK-004
	assert "unprivileged: LNX-017 says it needs read access to /etc/shadow" \
		grep -q 'needs read access to /etc/shadow' "$OUT"
	assert "unprivileged: LNX-018 says it needs read access to /etc/sudoers" \
		grep -q 'needs read access to /etc/sudoers' "$OUT"
	assert "unprivileged: LNX-015 says it needs read access to the profiles" \
		grep -q 'needs read access to /sys/kernel/security/apparmor/profiles' "$OUT"
	unpriv unpriv-live -P udvidet --output-format json
	assert "unprivileged, this machine: a well-formed JSON result" \
		"$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["controls"]' "$OUT"
	if [ -x /usr/sbin/nft ]; then
		assert "unprivileged, this machine: LNX-008 says it needs root for the loaded ruleset" \
			grep -q 'needs root (CAP_NET_ADMIN) to read the loaded ruleset' "$OUT"
	else
		skip "nft not installed"
	fi
	assert "unprivileged, this machine: LNX-017 never passes without /etc/shadow" \
		bash -c "! grep -q '\"id\":\"LNX-017\",[^}]*\"result\":\"PASS\"' '$OUT'"
	assert "unprivileged, this machine: stderr empty" stderr_empty
else
	for i in $(seq 40); do
		skip "unprivileged runs need root and setpriv to drop to nobody"
	done
fi

# ---- the loaded firewall ruleset (nft, in a network namespace of its own) ----

# nft_ns NAME RULES: runs the check (basis) in a fresh network namespace whose
# kernel has loaded RULES (nft syntax); the host's own ruleset is never touched
nft_ns() {
	local name=$1
	printf '%s\n' "$2" >"$T/$name.nft"
	OUT=$T/$name.out
	ERR=$T/$name.err
	unshare -n sh -c "/usr/sbin/nft -f '$T/$name.nft' && exec timeout 20 '$CHECK' -B '$BASELINE' --output-format json" \
		>"$OUT" 2>"$ERR"
	RC=$?
}
if $ROOTLY && [ -x /usr/sbin/nft ] && unshare -n true 2>/dev/null; then
	nft_ns nft-inet 'table inet filter {
	chain input {
		type filter hook input priority 0; policy drop;
		tcp dport 22 accept
	}
}'
	controls_are "loaded ruleset: inet input policy drop" PASS OK LNX-008
	assert "loaded ruleset: stderr empty" stderr_empty
	nft_ns nft-both 'table ip f {
	chain i {
		type filter hook input priority 0; policy drop;
	}
}
table ip6 f {
	chain i {
		type filter hook input priority 0; policy drop;
	}
}'
	controls_are "loaded ruleset: ip and ip6 input policy drop" PASS OK LNX-008
	nft_ns nft-v4only 'table ip f {
	chain i {
		type filter hook input priority 0; policy drop;
	}
}'
	controls_are "loaded ruleset: only IPv4 drops (IPv6 open)" FAIL CRITICAL LNX-008
	nft_ns nft-accept 'table inet filter {
	chain input {
		type filter hook input priority 0; policy accept;
	}
}'
	controls_are "loaded ruleset: input policy accept" FAIL CRITICAL LNX-008
	nft_ns nft-empty ''
	controls_are "loaded ruleset: nothing loaded" FAIL CRITICAL LNX-008
else
	for i in 1 2 3 4 5 6; do
		skip "the loaded-ruleset tests need root, /usr/sbin/nft (nftables) and unshare"
	done
fi

# ---- hostile trees ------------------------------------------------------------

H=$(host_tree compliant hostile)
# os-release a link to a device inside the tree, sshd_config a FIFO, passwd 100 MB
if $ROOTLY; then
	mkdir -p "$H/dev"
	mknod "$H/dev/zero" c 1 5
	ln -sf /dev/zero "$H/etc/os-release"
fi
rm -f "$H/etc/passwd"
mkfifo "$H/etc/passwd"
run hostile --root "$H" --output-format json
assert "hostile tree: ends with exit 3, not a hang" rc_is 3
assert "hostile tree: stderr empty" stderr_empty
if $ROOTLY; then
	controls_are "hostile: os-release a link to /dev/zero" ERROR UNKNOWN LNX-001
	assert "hostile: the reason names the device" \
		grep -q '/etc/os-release: not a regular file (a character device)' "$OUT"
else
	skip "mknod needs root"
	skip "mknod needs root"
fi
controls_are "hostile: passwd a FIFO" ERROR UNKNOWN LNX-017
# sshd_config: an Include loop, then 100 MB, then binary garbage
printf 'Include /etc/ssh/loop.conf\n' >"$H/etc/ssh/sshd_config"
printf 'PermitRootLogin no\nInclude /etc/ssh/sshd_config\n' >"$H/etc/ssh/loop.conf"
run hostile-loop --root "$H" --output-format json
controls_are "hostile: an Include loop in sshd_config" ERROR UNKNOWN LNX-005 LNX-006 LNX-007
assert "hostile: the reason names the loop" grep -q '/etc/ssh/sshd_config: Include loop' "$OUT"
head -c 100000000 /dev/zero | tr '\0' '#' >"$H/etc/ssh/sshd_config"
run hostile-bigsshd --root "$H" --output-format json
controls_are "hostile: a 100 MB sshd_config" ERROR UNKNOWN LNX-005
assert "hostile: the reason names the cap" grep -q '/etc/ssh/sshd_config: larger than 1048576 bytes' "$OUT"
assert "hostile: a 100 MB sshd_config ends quickly" within 2
printf 'PermitRootLogin no\n\0\001\377garbage\n' >"$H/etc/ssh/sshd_config"
run hostile-binsshd --root "$H" --output-format json
controls_are "hostile: binary garbage in sshd_config" ERROR UNKNOWN LNX-005
assert "hostile: the reason says it is not text" grep -q 'not text (a NUL byte)' "$OUT"
assert "hostile: the reason names the FIFO" grep -q '/etc/passwd: not a regular file (a FIFO)' "$OUT"
rm -f "$H/etc/passwd"
head -c 100000000 /dev/zero | tr '\0' 'a' >"$H/etc/passwd"
run hostile-big --root "$H" --output-format json
controls_are "hostile: a 100 MB /etc/passwd" ERROR UNKNOWN LNX-017
assert "hostile: the reason names the cap" grep -q '/etc/passwd: larger than 8388608 bytes' "$OUT"
assert "hostile: a 100 MB /etc/passwd ends quickly" within 2

# binary garbage in login.defs (not read: no control needs it) and in PAM's
# common-password (read for LNX-016): the run ends normally, and a file with
# a NUL byte is not text: LNX-016 is not evaluated, never passed
head -c 4096 /dev/urandom >"$H/etc/login.defs"
printf 'password requisite pam_pwquality.so minlen=\0\377\001garbage\n' >"$H/etc/pam.d/common-password"
head -c 2048 /dev/urandom >>"$H/etc/pam.d/common-password"
run hostile-garbage --root "$H" --output-format json
assert "hostile: binary garbage in login.defs and common-password: a well-formed result" \
	"$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["controls"]' "$OUT"
assert "hostile: binary garbage: exit 0-3" [ "$RC" -ge 0 ] && [ "$RC" -le 3 ]
assert "hostile: binary garbage: stderr empty" stderr_empty
controls_are "hostile: binary garbage in common-password" ERROR UNKNOWN LNX-016
assert "hostile: binary garbage: the reason says the PAM file is not text" \
	grep -q '/etc/pam.d/common-password: not text (a NUL byte)' "$OUT"

# a tree without /proc and /sys is not a running system: those controls are not evaluated
rm -rf "$H/proc" "$H/sys"
run hostile-noproc --root "$H" -P udvidet --output-format json
controls_are "a tree without /proc and /sys" ERROR UNKNOWN LNX-013 LNX-014 LNX-015
assert "a tree without /proc: the reason says so" \
	grep -q 'not in the tree (not a running system)' "$OUT"

# ---- bad input ----------------------------------------------------------------

run noroot --root "$T/no-such-dir"
assert "--root missing: exit 3" rc_is 3
assert "--root missing: one clear line" line1_is "BASELINE UNKNOWN - host $T/no-such-dir: --root '$T/no-such-dir': no such file"
assert "--root missing: stderr empty" stderr_empty
run emptyroot --root ""
assert "--root '': exit 3" rc_is 3
assert "--root '': the line names the option" line1_has "invalid --root ''"

# ---- this machine -------------------------------------------------------------

run live -P udvidet --output-format json
assert "this machine: exit 0-3" [ "$RC" -ge 0 ] && [ "$RC" -le 3 ]
assert "this machine: a well-formed JSON result with every host control" \
	"$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
ids = sorted(c["id"] for c in d["controls"])
assert ids == sorted(sys.argv[2:]), ids
' "$OUT" "${ALL_UDVIDET[@]}"
assert "this machine: stderr empty" stderr_empty
run live-text
assert "this machine: a plugin first line" line1_is "BASELINE "

echo "1..$n"
[ "$failed" -eq 0 ]
