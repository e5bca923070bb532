#!/usr/bin/env bash
# Conformance of plugin output with what Icinga 2 and Naemon/Nagios really do
# (plugin-contract.md c.3 and c.4 items 8-24; tests/conformance/README.md).
#
# The conform helper, $BUILD/tests/conform (tests/helpers/conform.c):
#
#   "$plugin" ... >"$dir/out" 2>"$dir/err"; rc=$?
#   "$BUILD/tests/conform" "$rc" [--max BYTES] [--expect-perf LABEL ...] \
#           <"$dir/out" >"$dir/conform.tap"
#
#   reads the plugin's stdout on stdin (at most 1 MiB), applies Icinga 2's and
#   Naemon's output split and our own rules, prints one TAP line per rule and
#   exits 0 (conforms), 1 (a rule failed) or 2 (bad use). Its TAP lines must
#   not be counted by a caller: write them to a file and show only "# " lines
#   from it, as conform_run below does. Another integration test (an sshd
#   peer) can source nothing and simply do the same.
#
# Part 1: hand-written samples; each good one must be accepted, each bad one
# rejected by the rule it breaks. Part 2: check_baseline_ssh runs that need no
# network peer (only 127.0.0.1 on a closed port).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build/rel}
CONFORM=$BUILD/tests/conform
SSH_CHECK=$BUILD/check_baseline_ssh
export LC_ALL=C

n=0
failed=0
dir=$(mktemp -d /tmp/cyberbaseline-conform.XXXXXX) || exit 1
trap 'rm -rf "$dir"' EXIT

pass() { n=$((n + 1)); echo "ok $n - $*"; }
fail() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
diag() { sed 's/^/# /' "$@"; }

if [ ! -x "$CONFORM" ]; then
	fail "conform helper built ($CONFORM; make $CONFORM)"
	echo "1..$n"
	exit 1
fi

# conform_run EXITCODE FILE [conform options...]: conform's verdict in $crc,
# its TAP in $dir/conform.tap.
conform_run() {
	local rc=$1 file=$2
	shift 2
	"$CONFORM" "$rc" "$@" <"$file" >"$dir/conform.tap" 2>"$dir/conform.err"
	crc=$?
}

# accept NAME EXITCODE [conform options...] -- PRINTF-FORMAT [ARGS...]
accept() {
	local name=$1 rc=$2 opts=()
	shift 2
	while [ "$1" != -- ]; do opts+=("$1"); shift; done
	shift
	# shellcheck disable=SC2059
	printf "$@" >"$dir/sample"
	conform_run "$rc" "$dir/sample" "${opts[@]}"
	if [ "$crc" -eq 0 ]; then
		pass "accepted: $name"
		grep '^#   note' "$dir/conform.tap" | sed 's/^#   /# /'
	else
		fail "accepted: $name (conform exited $crc)"
		grep -E '^not ok|^#' "$dir/conform.tap" | diag
		diag "$dir/conform.err"
	fi
}

# reject NAME RULE EXITCODE [conform options...] -- PRINTF-FORMAT [ARGS...]
# The sample must fail, and fail the rule whose name starts with RULE.
reject() {
	local name=$1 rule=$2 rc=$3 opts=()
	shift 3
	while [ "$1" != -- ]; do opts+=("$1"); shift; done
	shift
	# shellcheck disable=SC2059
	printf "$@" >"$dir/sample"
	conform_run "$rc" "$dir/sample" "${opts[@]}"
	if [ "$crc" -eq 1 ] && grep -qF -- "- $rule" <(grep '^not ok' "$dir/conform.tap"); then
		pass "rejected: $name ($rule)"
	else
		fail "rejected: $name (want conform exit 1 and \"not ok - $rule\"; got exit $crc)"
		grep -E '^not ok|^#' "$dir/conform.tap" | diag
		diag "$dir/conform.err"
	fi
}

# A realistic first line, perfdata and long output, as the checks print them.
L1='BASELINE OK - ssh 127.0.0.1:22: 8/8 controls passed'
PERF='compliance=100%%;80;50;0;100 controls_passed=8 controls_failed=0 controls_critical=0 controls_warning=0 controls_error=0 controls_waived=0 controls_na=0'
LONG='[OK] SSH-01 Root login disabled: no\n[OK] SSH-02 Protocol 2 only: 2\nbaseline dk-kommune 1.0 sha256 0123abcd profile basis'
EXPECT=(--expect-perf compliance controls_passed controls_failed controls_critical
	controls_warning controls_error controls_waived controls_na)

### Part 1: samples ###########################################################

# good output
accept "OK, perfdata on line 1, long output" 0 "${EXPECT[@]}" -- "$L1|$PERF\n$LONG\n"
accept "same with ' |' before the perfdata" 0 "${EXPECT[@]}" -- "$L1 |$PERF\n$LONG\n"
accept "CRITICAL with perfdata (c.4 item 24)" 2 "${EXPECT[@]}" -- \
	'BASELINE CRITICAL - ssh 127.0.0.1:22: 1 of 8 failed: SSH-01 Root login disabled|compliance=87%%;80;50;0;100 controls_passed=7 controls_failed=1 controls_critical=1 controls_warning=0 controls_error=0 controls_waived=0 controls_na=0\n[CRITICAL] SSH-01 Root login disabled: observed yes, expected no\n'
accept "UNKNOWN one-line failure without perfdata" 3 -- \
	"BASELINE UNKNOWN - cannot read baseline 'x.json': no such file or directory\n"
accept "WARNING, perfdata at the end of the last line (item 15)" 1 -- \
	'BASELINE WARNING - ssh 127.0.0.1:22: 1 of 2 failed\n[WARNING] SSH-03 Banner: observed none\n[OK] SSH-01 Root: no|compliance=50%%;80;50;0;100 controls_failed=1\n'
accept "UTF-8 text and truncation marker (item 13)" 1 -- \
	'BASELINE WARNING - ssh 127.0.0.1:22: 1 af 9 fejlede: SSH-05 Adgangskode-login tilladt|compliance=88%%;;;0;100\n[WARNING] SSH-05 Adgangskode-login: observeret ja, forventet nej (\xc3\xa6\xc3\xb8\xc3\xa5)\n\xe2\x80\xa6 3 more (see --output-format json)\n'
accept "';' in the first line is a note, not a failure" 0 -- 'BASELINE OK - a; b|x=1\n'
accept "units %, s, B, c and none" 0 -- 'BASELINE OK - x|a=1%% b=0.25s c=512B d=7c e=-3\n'
awk 'BEGIN { printf "BASELINE OK - x|a=1\n"; for (i = 0; i < 8171; i++) printf "y"; printf "\n" }' \
	>"$dir/exact"
conform_run 0 "$dir/exact"
if [ "$(wc -c <"$dir/exact")" -eq 8192 ] && [ "$crc" -eq 0 ]; then
	pass "accepted: exactly 8192 bytes (item 12)"
else
	fail "accepted: exactly 8192 bytes (item 12): $(wc -c <"$dir/exact") bytes, conform exited $crc"
	grep -E '^not ok|^#' "$dir/conform.tap" | diag
fi

# '|' and line structure (items 9, 10, 15, 23)
reject "'|' in long output" "output: no '|'" 0 -- \
	"$L1|$PERF\n[FAIL] SSH-04 Ciphers: observed aes | chacha\n"
reject "'|' in long output, Icinga 2 and Naemon split differently" \
	"icinga2 and naemon: same text" 0 -- "$L1|$PERF\n[FAIL] SSH-04 Ciphers: observed aes | chacha\n"
reject "'|' in long output followed by '='" "output: no '|'" 0 -- \
	"$L1|$PERF\n[FAIL] SSH-04 Option: observed a|b=c\n"
reject "'|' in the first line's text" "output: no '|'" 0 -- 'BASELINE OK - a | b|x=1\n'
reject "trailing '|' without perfdata (icinga2#9168)" "output: no '|'" 0 -- 'BASELINE OK - x |\n'
reject "perfdata on a middle line" "output: no '|'" 0 -- \
	'BASELINE OK - x\nline 2|x=1\nline 3\n'
reject "guidelines multi-line perfdata" "icinga2 and naemon: same perfdata tokens" 0 -- \
	'BASELINE OK - x|a=1\nlong\n|b=2\nc=3\n'
reject "CRLF line endings" "output: no carriage return" 0 -- "$L1|$PERF\r\n$LONG\r\n"
reject "CRLF line endings split differently" "icinga2 and naemon: same text" 0 -- \
	"$L1|$PERF\r\n[OK] SSH-01 Root: no\r\n"
reject "two spaces between pairs (item 23)" "perfdata: pairs separated by exactly one space" 0 -- \
	'BASELINE OK - x|a=1  b=2\n'
reject "two spaces give Icinga 2.13 a leading-space label" "perfdata: labels" 0 -- \
	'BASELINE OK - x|a=1  b=2\n'

# first line (items 8, 14)
reject "empty first line" "line 1: not empty" 0 -- "\n$L1|$PERF\n"
reject "no output at all" "line 1: not empty" 3 -- ''
reject "stderr-like garbage before the verdict (item 3)" "line 1: starts with" 0 -- \
	"libssh: warning: no such file /etc/ssh/ssh_config\n$L1|$PERF\n"
reject "status word without our prefix" "line 1: starts with" 0 -- 'OK - x|a=1\n'
reject "state word OK with exit code 2" "line 1: state word matches the exit code" 2 -- "$L1|$PERF\n"
reject "state word CRITICAL with exit code 0" "line 1: state word matches the exit code" 0 -- \
	'BASELINE CRITICAL - x|a=1\n'
reject "first line text over 200 bytes" "line 1: text at most 200 bytes" 0 -- \
	"BASELINE OK - $(printf 'x%.0s' {1..190})|a=1\n"

# exit code (item 1)
reject "exit code 4" "exit: code is 0..3" 4 -- "$L1|$PERF\n"
reject "exit code 255" "exit: code is 0..3" 255 -- "$L1|$PERF\n"

# text content (items 11, 12, 13)
reject "HTML in text" "output: no '<'" 0 -- "$L1|$PERF\n[FAIL] HTTP-01 Header: observed <script>alert(1)</script>\n"
reject "'&' in text" "output: no '<'" 0 -- 'BASELINE OK - a & b|x=1\n'
reject "invalid UTF-8" "output: valid UTF-8" 0 -- "$L1|$PERF\n[FAIL] SSH-06 Banner: observed \xff\xfe\n"
reject "overlong UTF-8" "output: valid UTF-8" 0 -- 'BASELINE OK - \xc0\xaf|x=1\n'
reject "UTF-16 surrogate in UTF-8" "output: valid UTF-8" 0 -- 'BASELINE OK - \xed\xa0\x80|x=1\n'
reject "escape sequence from a banner" "output: no control characters" 0 -- \
	"$L1|$PERF\n[FAIL] SSH-06 Banner: observed \x1b[31mred\n"
reject "NUL byte" "output: no control characters" 0 -- 'BASELINE OK - a\0b|x=1\n'
reject "tab" "output: no control characters" 0 -- 'BASELINE OK - a\tb|x=1\n'
awk 'BEGIN { printf "BASELINE OK - x|a=1\n"; for (i = 0; i < 8172; i++) printf "y"; printf "\n" }' \
	>"$dir/big"
conform_run 0 "$dir/big"
if [ "$crc" -eq 1 ] && grep -q '^not ok .* - output: within the size limit' "$dir/conform.tap"; then
	pass "rejected: 8193 bytes (item 12)"
else
	fail "rejected: 8193 bytes (item 12): conform exited $crc"
fi
reject "over --max 100" "output: within the size limit" 0 --max 100 -- "$L1|$PERF\n$LONG\n"
head -c 2000000 /dev/zero | tr '\0' 'y' | { printf 'BASELINE OK - x|a=1\n'; cat; } >"$dir/huge"
conform_run 0 "$dir/huge"
if [ "$crc" -eq 1 ] && grep -q '^#   more than 1048576 bytes' "$dir/conform.tap"; then
	pass "rejected: 2 MB of output, read up to the 1 MiB cap"
else
	fail "rejected: 2 MB of output, read up to the 1 MiB cap: conform exited $crc"
fi

# perfdata values (items 17, 18, 20)
reject "decimal comma" "icinga2: perfdata parses" 0 -- 'BASELINE OK - x|load=1,5\n'
reject "exponent 1e+06" "perfdata: plain C-locale numbers" 0 -- 'BASELINE OK - x|bytes=1e+06B\n'
reject "'U' value" "icinga2: perfdata parses" 0 -- 'BASELINE OK - x|controls_passed=U\n'
reject "empty value" "icinga2: perfdata parses" 0 -- 'BASELINE OK - x|a=\n'
reject "text value" "icinga2: perfdata parses" 0 -- 'BASELINE OK - x|a=abc\n'
reject "inf value" "icinga2: perfdata parses" 0 -- 'BASELINE OK - x|a=1e999\n'
reject "range threshold 10:" "icinga2: no warn/crit/min/max ignored" 0 -- \
	'BASELINE OK - x|compliance=90%%;80:;50:;0;100\n'
reject "range thresholds @ and ~" "icinga2: no warn/crit/min/max ignored" 0 -- \
	'BASELINE OK - x|a=5;@1:2;~:3\n'
reject "'U' as min" "icinga2: no warn/crit/min/max ignored" 0 -- 'BASELINE OK - x|a=5;;;U\n'
reject "'+' sign" "perfdata: plain C-locale numbers" 0 -- 'BASELINE OK - x|a=+5\n'
reject "six fields" "perfdata: plain C-locale numbers" 0 -- 'BASELINE OK - x|a=1;2;3;4;5;6\n'

# units (item 19)
reject "unit KB" "perfdata: unit" 0 -- 'BASELINE OK - x|a=5KB\n'
reject "unit d" "perfdata: unit" 0 -- 'BASELINE OK - x|baseline_age=3d\n'
reject "unit Icinga 2 does not know" "icinga2: no unit dropped" 0 -- 'BASELINE OK - x|a=12parsecs\n'

# labels (items 16, 22)
reject "label with a space" "perfdata: labels" 0 -- "BASELINE OK - x|'tls 1.0 enabled'=1\n"
reject "label with '::'" "perfdata: labels" 0 -- 'BASELINE OK - x|ssh::kex=3 b=1\n'
reject "label with '::' prefixes the next label in Icinga 2" \
	"icinga2 and naemon: same perfdata tokens" 0 -- 'BASELINE OK - x|ssh::kex=3 b=1\n'
reject "label with a doubled quote" "perfdata: labels" 0 -- "BASELINE OK - x|'it''s'=5\n"
reject "label with '%'" "perfdata: labels" 0 -- 'BASELINE OK - x|used%%=5\n'
reject "empty label" "perfdata: labels" 0 -- 'BASELINE OK - x|=5\n'
reject "spaces around '='" "perfdata: labels" 0 -- 'BASELINE OK - x|a = 5\n'
reject "labels equal in the first 19 characters" "perfdata: labels unique" 0 -- \
	'BASELINE OK - x|controls_passed_total_a=1 controls_passed_total_b=2\n'
reject "junk without '=' in perfdata" "icinga2 and naemon: same perfdata tokens" 0 -- \
	'BASELINE OK - x|a=1 junk\n'

# expected perfdata (item 24)
reject "expected label missing" "perfdata: expected labels present" 2 "${EXPECT[@]}" -- \
	'BASELINE CRITICAL - x|compliance=40%%;80;50;0;100\n'

# bad use of conform itself
printf 'BASELINE OK - x\n' >"$dir/sample"
conform_run x "$dir/sample"
if [ "$crc" -eq 2 ]; then pass "conform: bad exit code argument is bad use"; else fail "conform: bad exit code argument is bad use (exited $crc)"; fi

### Part 2: check_baseline_ssh without a peer #################################

# run_check NAME WANT_RC [conform options...] -- ARGS...: runs the check with a
# time limit; asserts exit code, empty stderr and (unless --no-conform) conform.
run_check() {
	local name=$1 want=$2 opts=() do_conform=1 rc
	shift 2
	while [ "$1" != -- ]; do
		if [ "$1" = --no-conform ]; then do_conform=0; else opts+=("$1"); fi
		shift
	done
	shift
	timeout -k 5 60 "$SSH_CHECK" "$@" >"$dir/out" 2>"$dir/err"
	rc=$?
	if [ "$rc" -eq "$want" ]; then
		pass "check_baseline_ssh $name: exit $want"
	else
		fail "check_baseline_ssh $name: exit $want (got $rc)"
		head -c 2000 "$dir/out" | diag
	fi
	if [ ! -s "$dir/err" ]; then
		pass "check_baseline_ssh $name: nothing on stderr"
	else
		fail "check_baseline_ssh $name: nothing on stderr"
		head -c 2000 "$dir/err" | diag
	fi
	if [ "$do_conform" = 1 ]; then
		conform_run "$rc" "$dir/out" "${opts[@]}"
		if [ "$crc" -eq 0 ]; then
			pass "check_baseline_ssh $name: output conforms"
		else
			fail "check_baseline_ssh $name: output conforms (conform exited $crc)"
			grep -E '^not ok|^#' "$dir/conform.tap" | diag
			head -c 600 "$dir/out" | diag
		fi
	elif [ ! -s "$dir/out" ]; then
		fail "check_baseline_ssh $name: prints to stdout"
	fi
}

# first_line_has NAME TEXT: the last run's first line contains TEXT.
first_line_has() {
	if head -n 1 "$dir/out" | grep -qF -- "$2"; then
		pass "check_baseline_ssh $1: first line names $2"
	else
		fail "check_baseline_ssh $1: first line names $2"
		head -n 1 "$dir/out" | diag
	fi
}

# A loopback TCP port nobody listens on (connect is refused).
closed_port() {
	local p
	for p in 1 9 39 47 49151 39999 41234; do
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

if [ -x "$SSH_CHECK" ]; then
	run_check "--help" 3 --no-conform -- --help
	run_check "--version" 3 --no-conform -- --version
	run_check "bad option" 3 -- --no-such-option
	run_check "-B missing file" 3 -- -H 127.0.0.1 -p 22 -B "$dir/missing.json"
	first_line_has "-B missing file" "$dir/missing.json"
	printf '{ "id": "broken", "controls": [ \n' >"$dir/broken.json"
	run_check "broken baseline" 3 -- -H 127.0.0.1 -p 22 -B "$dir/broken.json"
	first_line_has "broken baseline" "$dir/broken.json"
	if [ -f baselines/dk-kommune.json ] && port=$(closed_port); then
		run_check "closed port $port (unreachable)" 3 -- \
			-H 127.0.0.1 -p "$port" -t 5 -B baselines/dk-kommune.json
		run_check "closed port $port, --unreachable-result critical" 2 -- \
			-H 127.0.0.1 -p "$port" -t 5 -B baselines/dk-kommune.json \
			--unreachable-result critical
	else
		pass "check_baseline_ssh closed port # SKIP no baselines/dk-kommune.json or no closed port"
	fi
else
	pass "check_baseline_ssh runs # SKIP $SSH_CHECK not built"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
