#!/usr/bin/env bash
# The municipal layer end to end, against the real weak sshd: tailoring,
# waivers (applied, expired, for another host), the evidence log (concurrent
# runs, tampering found by `cyberbaseline verify-evidence`), and the CLI
# (validate, list, explain). Prints TAP.
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build/rel}
CHECK=$BUILD/check_baseline_ssh
CLI=$BUILD/cyberbaseline

# shellcheck source=tests/integration/lib.sh
. tests/integration/lib.sh

start_ssh_peers

# json_get EXPR: a Python expression over the JSON output `d`, printed.
json_get() {
	"$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$OUT" "$1"
}
# cli NAME ARGS...: runs the CLI; sets RC, OUT, ERR.
cli() {
	local name=$1
	shift
	OUT=$T/$name.out
	ERR=$T/$name.err
	timeout 20 "$CLI" "$@" >"$OUT" 2>"$ERR"
	RC=$?
}
out_has() { grep -qF -- "$1" "$OUT" && return 0; echo "# output:"; diag "$OUT"; return 1; }

# ---- tailoring -----------------------------------------------------------------

TAIL=$T/tailoring.json
cat >"$TAIL" <<'JSON'
{"format": 1,
 "tailoring": {"id": "testkommune", "version": "2026.1", "title": {"en": "Test", "da": "Test"}},
 "extends": {"baseline": "dk-kommune", "version": "2026.1"},
 "severity": {"SSH-008": "critical"},
 "params": {"SSH-006.min_rsa_bits": 3072}}
JSON
run tailored -H 127.0.0.1 -p "$HPORT" --tailoring "$TAIL" --output-format json
assert "tailoring: hardened server still passes SSH-006 (RSA 4096 >= 3072)" control SSH-006 PASS OK
assert "tailoring: the JSON names the tailoring and its sha256" \
	[ "$(json_get 'd["tailoring"]["id"] + " " + str(len(d["tailoring"]["sha256"]))')" = "testkommune 64" ]
run tailored-weak -H 127.0.0.1 -p "$WPORT" --tailoring "$TAIL" --output-format json
assert "tailoring: raised SSH-008 fails CRITICAL on the weak server" control SSH-008 FAIL CRITICAL

LOOSE=$T/loose.json
sed 's/"SSH-006.min_rsa_bits": 3072/"SSH-006.min_rsa_bits": 1024/' "$TAIL" >"$LOOSE"
run loose -H 127.0.0.1 -p "$HPORT" --tailoring "$LOOSE"
assert "loosening tailoring: exit 3" rc_is 3
assert "loosening tailoring: first line names the file, path and control" \
	line1_has "tailoring '$LOOSE': params.SSH-006.min_rsa_bits: 1024 is looser than the national 2048 for SSH-006"
assert "loosening tailoring: stderr empty" stderr_empty

# ---- waivers ---------------------------------------------------------------------

WAIV=$T/waivers.json
cat >"$WAIV" <<'JSON'
{"waivers": [
 {"control": "SSH-008", "host": "jump-*.test.dk", "justification": "one-time codes via keyboard-interactive",
  "approved_by": "CISO", "ticket": "SEC-1", "created": "2026-11-01", "expires": "2027-03-01"},
 {"control": "SSH-003", "host": "jump-*.test.dk", "justification": "old", "approved_by": "CISO",
  "created": "2025-10-01", "expires": "2026-10-01"}
]}
JSON
export CB_TODAY=2026-11-28
run waived -H 127.0.0.1 -p "$WPORT" --waivers "$WAIV" --host-name jump-1.test.dk --output-format json
assert "waiver: SSH-008 WAIVED on jump-1.test.dk" control SSH-008 WAIVED OK
assert "waiver: the real result is kept (FAIL WARNING) with the ticket" \
	[ "$(json_get '[c["hidden_result"] + " " + c["hidden_state"] + " " + c["waiver"]["ticket"] for c in d["controls"] if c["id"] == "SSH-008"][0]')" = "FAIL WARNING SEC-1" ]
assert "waiver: the expired waiver no longer applies (SSH-003 FAIL)" control SSH-003 FAIL CRITICAL
assert "waiver: the expired waiver is named" \
	[ "$(json_get '[c["expired_waiver"]["expires"] for c in d["controls"] if c["id"] == "SSH-003"][0]')" = "2026-10-01" ]
assert "waiver: counted in counts.waived" [ "$(json_get 'd["counts"]["waived"]')" = 1 ]
run waived-nagios -H 127.0.0.1 -p "$WPORT" --waivers "$WAIV" --host-name jump-1.test.dk
assert "waiver: perfdata controls_waived=1" line1_has "controls_waived=1"
assert "waiver: long output shows the waiver" \
	grep -q '^\[WAIVED\] SSH-008 .*was FAIL WARNING, waived until 2027-03-01 by CISO (SEC-1)' "$OUT"
assert "waiver: long output says the expired waiver expired" grep -q 'expired on 2026-10-01' "$OUT"
run other-host -H 127.0.0.1 -p "$WPORT" --waivers "$WAIV" --host-name web-1.test.dk --output-format json
assert "waiver: another host is not waived" control SSH-008 FAIL WARNING
CB_TODAY=2027-03-01 run lapsed -H 127.0.0.1 -p "$WPORT" --waivers "$WAIV" --host-name jump-1.test.dk --output-format json
assert "waiver: lapses at 00:00 UTC on its expiry date" control SSH-008 FAIL WARNING

BADW=$T/bad-waivers.json
sed 's/"expires": "2027-03-01"/"expires": "2028-03-01"/' "$WAIV" >"$BADW"
run badwaiver -H 127.0.0.1 -p "$WPORT" --waivers "$BADW"
assert "waiver longer than a year: exit 3" rc_is 3
assert "waiver longer than a year: names file and path" line1_has "waivers '$BADW': waivers[0].expires"

# ---- evidence --------------------------------------------------------------------

EV=$T/evidence.jsonl
for i in 1 2 3 4 5 6; do
	"$CHECK" -B "$BASELINE" -H 127.0.0.1 -p "$WPORT" --evidence "$EV" --host-name "host-$i" \
		>/dev/null 2>&1 &
	EVPIDS+=("$!")
done
for pid in "${EVPIDS[@]}"; do wait "$pid"; done
assert "evidence: six concurrent runs wrote six lines" [ "$(wc -l <"$EV")" -eq 6 ]
cli verify-ok verify-evidence "$EV"
assert "evidence: verify-evidence finds the chain intact" [ "$RC" -eq 0 ]
assert "evidence: verify-evidence counts 6 runs" out_has "intact, 6 runs"
"$PY" - "$EV" <<'PYEOF'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
d = json.loads(lines[2])
assert d["run"]["baseline"]["id"] == "dk-kommune" and len(d["prev"]) == 64
PYEOF
assert "evidence: a line holds the run with the baseline and the previous hash" [ $? -eq 0 ]
sed -i '3s/"FAIL"/"PASS"/' "$EV"
cli verify-bad verify-evidence "$EV"
assert "evidence: an edited line breaks the chain (exit 1)" [ "$RC" -eq 1 ]
assert "evidence: verify-evidence names the line after the edit" out_has "line 4"
ln -s "$EV" "$T/link.jsonl"
run evlink -H 127.0.0.1 -p "$HPORT" --evidence "$T/link.jsonl"
assert "evidence: a symlinked evidence file does not change the state" rc_is 0
assert "evidence: the refusal is reported in the output" grep -q 'evidence not written' "$OUT"

# ---- the CLI ---------------------------------------------------------------------

cli validate-ok validate "$BASELINE"
assert "validate: the national baseline is valid" [ "$RC" -eq 0 ]
assert "validate: says id, version and controls" out_has "valid baseline dk-kommune 2026.1, 78 controls"
cli validate-examples validate -B "$BASELINE" examples/tailoring-aarhus.json examples/waivers-aarhus.json
assert "validate: the example tailoring and waivers are valid" [ "$RC" -eq 0 ]
BROKEN=$T/broken.json
sed 's/"op": "none_of"/"op": "nonee_of"/' "$BASELINE" >"$BROKEN"
cli validate-broken validate "$BROKEN"
assert "validate: a broken copy fails" [ "$RC" -eq 1 ]
assert "validate: the message names the file and JSON path" \
	out_has "baseline '$BROKEN': controls[2].rule.op: unknown operator 'nonee_of'"
printf '{"format": 1, "id": "x",' >"$T/trunc.json"
cli validate-trunc validate "$T/trunc.json"
assert "validate: truncated JSON fails with a position" out_has "invalid JSON at line 1"
cli validate-loose validate -B "$BASELINE" "$LOOSE"
assert "validate: a loosening tailoring fails" [ "$RC" -eq 1 ]
cli list list -B "$BASELINE" --check ssh --lang da
assert "list: eight SSH controls in Danish" out_has "8 controls, baseline dk-kommune 2026.1"
assert "list: Danish titles" grep -q '^SSH-001 .*protokol' "$OUT"
cli explain explain -B "$BASELINE" SSH-003
assert "explain: rule and references" out_has "ssh.kex has none of diffie-hellman-group1-sha1"
cli explain-missing explain -B "$BASELINE" SSH-999
assert "explain: an unknown control exits 1" [ "$RC" -eq 1 ]

echo "1..$n"
[ "$failed" -eq 0 ]
