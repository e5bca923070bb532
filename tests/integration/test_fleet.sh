#!/usr/bin/env bash
# bench/fleet, the synthetic fleet of evidence logs (bench/README.md):
#
#   real     evidence lines of the real checks to compare with: the host check
#            on the compliant and noncompliant fixtures with a waiver in force
#            and an expired one, on an empty tree (ERRORs), and the SSH check
#            against a closed port (a run that names an error)
#   layout   --out: DIR/<group>/<host>/<check>.jsonl, every log intact
#            (verify-evidence), one run per hour, the group's municipality name
#            in "org"; --one-file and --stdout: the same bytes, one chain
#   shape    bench/fleet-check: the same keys in the same order and the same
#            JSON types as the real lines, runs consistent in themselves
#            (counts, compliance, state, order, waivers, notes); a long run of
#            few hosts reaches outages, ERRORs and expired waivers
#   same     the bytes depend on the seed only: not on --jobs (threads over
#            logs, or a pipeline for the single stream), and a longer --hours
#            extends the same logs
#   links    only libc and libcrypto
#
# Prints TAP.
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build/rel}
CHECK=$BUILD/check_baseline_host
FLEET=$BUILD/bench/fleet
CLI=$BUILD/cyberbaseline
export CB_TODAY=2026-11-28

# shellcheck source=tests/integration/lib.sh
. tests/integration/lib.sh

if [ ! -x "$FLEET" ]; then
	not_ok "$FLEET is built (make fleet)"
	echo "1..$n"
	exit 1
fi

# ---- real ------------------------------------------------------------------------

R=$T/real
mkdir -p "$R/empty"
cat >"$R/waivers.json" <<'EOF'
{
  "waivers": [
    {"control": "LNX-019", "host": "web01", "justification": "In force.",
     "approved_by": "CISO, Aarhus Kommune", "ticket": "SEC-2026-0001",
     "created": "2026-11-01", "expires": "2027-10-31"},
    {"control": "LOG-003", "host": "web*", "justification": "Expired.",
     "approved_by": "CISO, Aarhus Kommune", "created": "2025-12-01", "expires": "2026-11-01"}
  ]
}
EOF
H=(-B "$BASELINE" --host-name web01 --org "Aarhus Kommune" --evidence "$R/host.jsonl" --waivers "$R/waivers.json")
"$CHECK" "${H[@]}" --root "$(host_tree compliant)" >/dev/null
"$CHECK" "${H[@]}" --root "$(host_tree noncompliant)" -P udvidet >/dev/null
"$CHECK" "${H[@]}" --root "$R/empty" >/dev/null
"$BUILD/check_baseline_ssh" -B "$BASELINE" -H 127.0.0.1 -p "$(free_port)" --host-name web01 \
	--org "Aarhus Kommune" --evidence "$R/ssh.jsonl" -t 2 >/dev/null
assert "real: four runs written and intact" \
	bash -c "'$CLI' verify-evidence '$R/host.jsonl' '$R/ssh.jsonl' >/dev/null &&
		[ \$(cat '$R/host.jsonl' '$R/ssh.jsonl' | wc -l) -eq 4 ]"

# ---- layout ----------------------------------------------------------------------

F=$T/fleet
"$FLEET" --hosts 30 --groups 4 --checks 6 --from 2026-01-01 --hours 30 --out "$F" --quiet
assert "layout: 30 hosts x 6 checks = 180 logs" \
	bash -c "[ \$(find '$F' -name '*.jsonl' | wc -l) -eq 180 ]"
assert "layout: DIR/<group>/<host>/<check>.jsonl" \
	test -s "$F/aarhus/host-aarhus-1.kommune.example/host.jsonl" -a \
	-s "$F/odense/host-odense-1.kommune.example/mail.jsonl"
# shellcheck disable=SC2046
assert "layout: every log intact, 30 runs each (verify-evidence)" \
	bash -c "'$CLI' verify-evidence \$(find '$F' -name '*.jsonl') | grep -vc ': intact, 30 runs\$' | grep -qx 0"
assert "layout: org is the municipality, the host its member" \
	"$PY" -c "
import json, sys
run = json.loads(open('$F/odense/host-odense-2.kommune.example/ssh.jsonl').readline())['run']
sys.exit(not (run['org'] == 'Odense Kommune' and run['host'] == 'host-odense-2.kommune.example'
              and run['target'] == 'host-odense-2.kommune.example:22' and run['time'].startswith('2026-01-01T00:')))"
"$FLEET" --hosts 30 --groups 4 --hours 30 --out "$T/one" --one-file --quiet
"$FLEET" --hosts 30 --groups 4 --hours 30 --stdout --quiet >"$T/stream.jsonl"
assert "layout: --one-file and --stdout write the same bytes" cmp -s "$T/one/evidence.jsonl" "$T/stream.jsonl"
assert "layout: the single stream is one intact chain of 5400 runs" \
	bash -c "'$CLI' verify-evidence '$T/stream.jsonl' | grep -q ': intact, 5400 runs\$'"

# ---- shape -----------------------------------------------------------------------

# shellcheck disable=SC2046
"$PY" bench/fleet-check --real "$R/host.jsonl" "$R/ssh.jsonl" -- $(find "$F" -name '*.jsonl' | sort) \
	"$T/stream.jsonl" >"$T/check.out" 2>&1
assert "shape: fleet-check on the logs and the stream" test $? -eq 0 || diag "$T/check.out"
"$FLEET" --hosts 3 --groups 3 --checks host,ssh --hours 4000 --out "$T/long" --quiet
# shellcheck disable=SC2046
"$PY" bench/fleet-check --real "$R/host.jsonl" "$R/ssh.jsonl" -- $(find "$T/long" -name '*.jsonl' | sort) \
	>"$T/long.out" 2>&1
assert "shape: fleet-check on half a year of three hosts" test $? -eq 0 || diag "$T/long.out"
assert "shape: ... which has every type the real lines have (outage, ERROR, expired waiver)" \
	bash -c "! grep -q 'never had' '$T/long.out'" || diag "$T/long.out"

# ---- same ------------------------------------------------------------------------

"$FLEET" --hosts 30 --groups 4 --hours 30 --out "$T/jobs" --jobs 3 --quiet
assert "same: --jobs 3 writes the logs of --jobs 1" diff -r "$F" "$T/jobs"
"$FLEET" --hosts 30 --groups 4 --hours 30 --stdout --jobs 1 --quiet >"$T/stream1.jsonl"
"$FLEET" --hosts 30 --groups 4 --hours 30 --stdout --jobs 4 --quiet >"$T/stream4.jsonl"
assert "same: the single stream of --jobs 4 (a pipeline) is that of --jobs 1" \
	bash -c "cmp -s '$T/stream1.jsonl' '$T/stream4.jsonl' && cmp -s '$T/stream1.jsonl' '$T/stream.jsonl'"
"$FLEET" --hosts 30 --groups 4 --hours 10 --out "$T/short" --quiet
assert "same: --hours 10 is the first 10 lines of --hours 30" \
	bash -c "for f in \$(cd '$T/short' && find . -name '*.jsonl'); do
		head -n 10 '$F'/\$f | cmp -s - '$T/short'/\$f || exit 1; done"
assert "same: another seed, other bytes" \
	bash -c "! '$FLEET' --hosts 30 --groups 4 --hours 30 --stdout --quiet --seed 2 | cmp -s - '$T/stream.jsonl'"

# ---- links and usage -------------------------------------------------------------

if ldd "$FLEET" | grep -qE 'lib(a|ub)san'; then
	skip "links: only libc and libcrypto (a sanitizer build links its runtime)"
else
	assert "links: only libc and libcrypto" \
		bash -c "ldd '$FLEET' | awk '{print \$1}' | grep -vE '^(linux-vdso|/lib64/ld-linux|libc\\.so|libcrypto\\.so)' | grep -q . && exit 1 || exit 0"
fi
"$FLEET" --hosts 3 >/dev/null 2>"$T/usage.err"
assert "usage: no --out and no --stdout exits 2" test $? -eq 2
"$FLEET" --hosts 3 --stdout --checks nosuch >/dev/null 2>&1
assert "usage: an unknown check exits 2" test $? -eq 2

echo "1..$n"
[ "$failed" -eq 0 ]
