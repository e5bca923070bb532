#!/usr/bin/env bash
# Every check against every kind of bad input: options, numbers, hosts, the baseline,
# the tailoring, the waivers, the profile and the evidence log. Loopback only (a closed
# port on 127.0.0.1; option and file errors come before any I/O), temp dirs only.
#
# The contract asserted, from what the checks print (docs/output.md):
#   usage error  exit 3; stdout "BASELINE UNKNOWN - check_baseline_X: <problem>", then the
#                usage block ("Usage: check_baseline_X ...", lines indented by two spaces,
#                "Try 'check_baseline_X --help' for more."); the problem names the option
#                or value in quotes
#   file error   exit 3; stdout exactly one line "BASELINE UNKNOWN - <family> <target>: ..."
#                naming the file
#   evidence     the log cannot be written: the run is reported as usual (here UNKNOWN,
#                exit 3, as the target's port is closed) with the note
#                "evidence not written: cannot open evidence '<path>': <reason>"; the state
#                never depends on the evidence log (docs/output.md, section 4)
# and in every case: nothing on stderr; the --evidence file is not created (usage
# errors, evidence errors); a file error is a run like any other and is logged: the
# one-run log given gets exactly one more whole line, chained, recording the UNKNOWN.
# Every case runs once more under valgrind (memcheck: no error, no definite leak; exit 3
# as without it), about 2 minutes more; VALGRIND_ALL=0 keeps that to two cases per
# check: a file error (an unknown control in the waivers: baseline and waivers loaded,
# then released on the error path) and an unwritable evidence log (the whole road to
# the report).
# Prints TAP.
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build/rel}
CHECK=$BUILD/check_baseline_host

# shellcheck source=tests/integration/lib.sh
. tests/integration/lib.sh

VALGRIND=${VALGRIND-$(command -v valgrind)}
VALGRIND_ALL=${VALGRIND_ALL:-1}
VALGRIND_CASES=" waiver-unknown-control evidence-no-dir "
# A sanitizer build (make check SANITIZE=...) checks memory itself, and memcheck cannot
# run a program built with ASan: the memcheck runs are for the plain build only.
if [ -n "$VALGRIND" ] && ldd "$CHECK" 2>/dev/null | grep -q 'libasan'; then
	VALGRIND=""
	echo "# $CHECK is built with AddressSanitizer: the memcheck runs are left to the plain build"
fi
[ -n "$VALGRIND" ] || echo "# valgrind not installed: the memcheck runs are skipped"

# The bad files, once for all checks.
mkdir -p "$T/ev" "$T/vg" "$T/isdir"
: >"$T/notadir"
printf 'this is not JSON\n' >"$T/notjson.json"
printf '{"format": 1, "no_such_key": true}\n' >"$T/schema.json"
sed 's/"baseline": "dk-kommune"/"baseline": "dk-nowhere"/' examples/tailoring-aarhus.json \
	>"$T/tailoring-other.json"
waiver() {	# control expires
	cat <<EOF
{"waivers": [{"control": "$1", "host": "*", "justification": "test",
  "approved_by": "test", "created": "2026-11-01", "expires": "$2"}]}
EOF
}
waiver SSH-001 31-10-2027 >"$T/waiver-date.json"
waiver NOPE-999 2027-10-31 >"$T/waiver-control.json"
# A log with one run in it, for "not changed": a real run of the ssh check on a closed port.
"$BUILD/check_baseline_ssh" -B "$BASELINE" -H 127.0.0.1 -p 1 --evidence "$T/one-run.jsonl" \
	>/dev/null 2>&1
[ -s "$T/one-run.jsonl" ] || echo "# could not make a one-run evidence log"

# What each check needs to get past option parsing: a closed port, a name, a missing root.
declare -A TARGET=(
	[host]="--root $T/no-root"
	[ssh]="-H 127.0.0.1 -p 1"
	[tls]="-H 127.0.0.1 -p 1"
	[snmp]="-H 127.0.0.1 -p 1 -t 2"
	[web]="-u https://127.0.0.1:1/"
	[mail]="-D example.test --dns-server 127.0.0.1:1 -t 2"
)
vg_runs=0

# go CHECK CASE EVIDENCE ARGS...: runs check_baseline_CHECK with the baseline, the
# target arguments, ARGS and --evidence EVIDENCE; sets RC, OUT, ERR. Then once under
# valgrind; sets VG ("" or why it failed).
go() {
	local c=$1 name=$2 ev=$3 prog=$BUILD/check_baseline_$1
	shift 3
	OUT=$T/$c-$name.out ERR=$T/$c-$name.err
	# TARGET holds several words
	# shellcheck disable=SC2086
	timeout 20 "$prog" -B "$BASELINE" ${TARGET[$c]} --evidence "$ev" "$@" >"$OUT" 2>"$ERR"
	RC=$?
	VG=
	[ -n "$VALGRIND" ] || return 0
	[ "$VALGRIND_ALL" = 1 ] || [[ $VALGRIND_CASES == *" $name "* ]] || return 0
	vg_runs=$((vg_runs + 1))
	# shellcheck disable=SC2086
	timeout 60 "$VALGRIND" -q --error-exitcode=99 --leak-check=full \
		--errors-for-leak-kinds=definite --log-file="$T/$c-$name.vg" \
		"$prog" -B "$BASELINE" ${TARGET[$c]} --evidence "${ev/#"$T"\/ev\//$T/vg/}" "$@" \
		>/dev/null 2>&1
	local vrc=$?
	if [ "$vrc" -ne 3 ]; then
		VG="under valgrind: exit $vrc"
		sed -n '1,25s/^/# /p' "$T/$c-$name.vg"
	fi
}

# why: collects the reasons a case fails, printed as # lines
WHY=()
because() { WHY+=("$*"); }
common_checks() {	# EVIDENCE [logged]: without "logged", EVIDENCE must not exist
	[ "$RC" -eq 3 ] || because "exit $RC, expected 3"
	[ -s "$ERR" ] && because "stderr: $(head -c 300 "$ERR")"
	[ -z "$2" ] && [ -e "$1" ] && because "evidence '$1' was created"
	[ -n "$VG" ] && because "$VG"
}
report() {	# DESCRIPTION
	if [ ${#WHY[@]} -eq 0 ]; then
		ok "$1"
	else
		not_ok "$1"
		printf '# %s\n' "${WHY[@]}"
		sed 's/^/# stdout: /' "$OUT" | head -8
	fi
	WHY=()
}

# usage CHECK CASE WORDS ARGS...: a usage error whose problem contains WORDS.
usage() {
	local c=$1 name=$2 words=$3 prog=check_baseline_$1 ev
	shift 3
	ev=$T/ev/$c-$name.jsonl
	go "$c" "$name" "$ev" "$@"
	local l1 l2 last mid
	l1=$(sed -n 1p "$OUT") l2=$(sed -n 2p "$OUT") last=$(tail -n 1 "$OUT")
	mid=$(sed '1,2d;$d' "$OUT" | grep -cv '^  ')
	case $l1 in "BASELINE UNKNOWN - $prog: "*"$words"*) ;; *) because "line 1: $l1" ;; esac
	case $l2 in "Usage: $prog "*) ;; *) because "line 2: $l2" ;; esac
	[ "$last" = "Try '$prog --help' for more." ] || because "last line: $last"
	[ "$mid" -eq 0 ] || because "$mid usage lines not indented"
	common_checks "$ev" ""
	report "$c: $name: usage error naming $words"
}

# fileerr CHECK CASE WORDS ARGS...: one line naming the problem; the log given (one run)
# gets exactly one whole, chained line that records this UNKNOWN run.
fileerr() {
	local c=$1 name=$2 words=$3 ev
	shift 3
	ev=$T/ev/$c-$name.jsonl
	cp "$T/one-run.jsonl" "$ev"
	go "$c" "$name" "$ev" "$@"
	[ "$(wc -l <"$OUT")" -eq 1 ] || because "$(wc -l <"$OUT") lines on stdout"
	case $(head -n 1 "$OUT") in "BASELINE UNKNOWN - "*"$words"*) ;;
	*) because "line 1: $(head -n 1 "$OUT")" ;; esac
	common_checks "$ev" logged
	logged "$ev" || because "the evidence log does not end in this run's UNKNOWN, whole and chained"
	report "$c: $name: one line naming $words"
}

# logged LOG: LOG is the one-run log plus one whole line whose run is this UNKNOWN (its
# summary is the plugin output), and the chain is intact.
logged() {
	"$BUILD/cyberbaseline" verify-evidence "$1" >/dev/null 2>&1 || return 1
	"$PY" - "$T/one-run.jsonl" "$1" "$OUT" <<'EOF'
import json, sys
old, new, out = (open(p, "rb").read() for p in sys.argv[1:4])
if not new.startswith(old) or not new.endswith(b"\n") or new[len(old):].count(b"\n") != 1:
    sys.exit(1)
run = json.loads(new[len(old):])["run"]
sys.exit(0 if run["state"] == "UNKNOWN" and run["exit_code"] == 3
         and run["summary"] == out.decode().rstrip("\n") else 1)
EOF
}

# evfail CHECK CASE PATH: the evidence log cannot be opened.
evfail() {
	local c=$1 name=$2 ev=$3
	go "$c" "$name" "$ev"
	case $(head -n 1 "$OUT") in "BASELINE UNKNOWN - "*) ;;
	*) because "line 1: $(head -n 1 "$OUT")" ;; esac
	[ "$(grep -c "^evidence not written: cannot open evidence '$ev': " "$OUT")" -eq 1 ] ||
		because "no note 'evidence not written: cannot open evidence '$ev': ...'"
	if [ -d "$ev" ]; then	# the path is a directory: nothing may appear in it
		common_checks "$ev/nothing" ""
		[ -z "$(ls -A "$ev")" ] || because "something was written into '$ev'"
	else
		common_checks "$ev" ""
	fi
	report "$c: $name: reported as usual with the note 'evidence not written'"
}

t0=$(date +%s)
for c in host ssh tls snmp web mail; do
	usage "$c" unknown-option "unknown option '--bogus'" --bogus
	usage "$c" missing-argument "option '-t' needs a value" -t
	usage "$c" timeout-zero "invalid timeout '0'" -t 0
	usage "$c" timeout-text "invalid timeout 'abc'" -t abc
	usage "$c" timeout-too-long "invalid timeout '601'" -t 601
	usage "$c" warning-range "invalid range 'foo'" -w foo
	usage "$c" critical-range "invalid range '10:5'" -c 10:5
	usage "$c" port-range "invalid port '70000'" -p 70000
	usage "$c" port-text "invalid port 'ssh'" -p ssh
	usage "$c" output-format "'xml'" --output-format xml
	usage "$c" max-output "'10'" --max-output 10
	usage "$c" empty-host "invalid host ''" -H ''
	fileerr "$c" missing-baseline "cannot read baseline '$T/missing.json'" -B "$T/missing.json"
	fileerr "$c" baseline-not-json "baseline '$T/notjson.json': invalid JSON" -B "$T/notjson.json"
	fileerr "$c" baseline-schema "baseline '$T/schema.json': " -B "$T/schema.json"
	fileerr "$c" missing-tailoring "tailoring '$T/missing.json'" --tailoring "$T/missing.json"
	fileerr "$c" tailoring-not-json "tailoring '$T/notjson.json': invalid JSON" \
		--tailoring "$T/notjson.json"
	fileerr "$c" tailoring-other-baseline "tailoring '$T/tailoring-other.json'" \
		--tailoring "$T/tailoring-other.json"
	fileerr "$c" missing-waivers "waivers '$T/missing.json'" --waivers "$T/missing.json"
	fileerr "$c" waivers-not-json "waivers '$T/notjson.json': invalid JSON" --waivers "$T/notjson.json"
	fileerr "$c" waiver-expiry-format "waivers '$T/waiver-date.json'" --waivers "$T/waiver-date.json"
	fileerr "$c" waiver-unknown-control "NOPE-999" --waivers "$T/waiver-control.json"
	fileerr "$c" unknown-profile "no profile 'nosuch'" -P nosuch
	evfail "$c" evidence-no-dir "$T/no-such-dir/e.jsonl"
	evfail "$c" evidence-under-file "$T/notadir/e.jsonl"
	evfail "$c" evidence-is-dir "$T/isdir"
done
# the check-specific targets
usage web bad-url "invalid URL 'notaurl'" -u notaurl
usage mail empty-domain "invalid domain ''" -D ''
usage mail bad-dns-server "invalid DNS server 'bad!'" --dns-server 'bad!'
usage tls bad-starttls "'gopher'" --starttls gopher
t1=$(date +%s)
echo "# $n cases, $vg_runs of them also under valgrind, in $((t1 - t0))s"
echo "1..$n"
[ "$failed" -eq 0 ]
