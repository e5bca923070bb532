#!/usr/bin/env bash
# cyberbaseline history ingest and report, on real evidence (docs/history.md):
#
#   real runs     check_baseline_host on the compliant and non-compliant fixture
#                 trees writes the evidence; the store answers as the runs did, and
#                 two runs of one host a second apart are told apart by --at
#   time travel   the real run objects re-chained with times of our choosing
#                 (gen.py): status at the edges, trend, benchmark, groups, org
#   out of order  an older run ingested after a newer one is fitted in
#   idempotence   a file ingested twice, or under another name, adds nothing
#   broken chain  the lines before the break are stored, the break is reported
#   partial line  a last line without its newline waits for the next ingest
#   kill -9       an ingest killed at three moments loses no committed run and
#                 ends with the same store as one clean ingest
#   usage         exit codes, messages, --db and CYBERBASELINE_DB, a reader that
#                 may only read the database, progress only on a terminal
#
# Expected answers are computed by Python from the evidence itself, never from
# the store. Prints TAP.
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build/rel}
CHECK=$BUILD/check_baseline_host
CLI=$BUILD/cyberbaseline
export CB_TODAY=2026-11-28
unset CYBERBASELINE_DB

# shellcheck source=tests/integration/lib.sh
. tests/integration/lib.sh

# cli NAME ARGS...: runs the CLI; sets RC, OUT, ERR.
cli() {
	local name=$1
	shift
	OUT=$T/$name.out
	ERR=$T/$name.err
	timeout 120 "$CLI" "$@" >"$OUT" 2>"$ERR"
	RC=$?
}
out_is() {
	[ "$(cat "$OUT")" = "$1" ] && return 0
	echo "# output:"
	diag "$OUT"
	echo "# expected: $1"
	return 1
}
err_is() {
	[ "$(cat "$ERR")" = "$1" ] && return 0
	echo "# stderr:"
	diag "$ERR"
	echo "# expected: $1"
	return 1
}
err_has() { grep -qF -- "$1" "$ERR" && return 0; echo "# stderr:"; diag "$ERR"; return 1; }
# exits RC ERR-TEXT: the exit code was RC and stderr has ERR-TEXT
exits() {
	[ "$RC" -eq "$1" ] || { echo "# exit code $RC, expected $1"; diag "$ERR"; return 1; }
	err_has "$2"
}
out_has() { grep -qF -- "$1" "$OUT" && return 0; echo "# output:"; diag "$OUT"; return 1; }
# sql DB QUERY: the first column of each row, one per line (Python's sqlite3, read-only)
sql() {
	"$PY" - "$1" "$2" <<'EOF'
import sqlite3, sys
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True, timeout=10)
for row in db.execute(sys.argv[2]):
    print(row[0])
EOF
}

# gen.py OUT ENTRY...: a chained evidence log of real run objects, each ENTRY
# RUNFILE@TIME@HOST[@ORG]; HOST "-" drops the host (a run we cannot store).
cat >"$T/gen.py" <<'EOF'
import hashlib, json, sys
prev, out = "", open(sys.argv[1], "w")
for entry in sys.argv[2:]:
    parts = entry.split("@")
    run = json.load(open(parts[0]))
    run["time"] = parts[1]
    if parts[2] == "-":
        del run["host"]
    else:
        run["host"] = parts[2]
    if len(parts) > 3:
        run["org"] = parts[3]
    line = json.dumps({"prev": prev, "run": run}, separators=(",", ":"), ensure_ascii=False)
    out.write(line + "\n")
    prev = hashlib.sha256(line.encode()).hexdigest()
EOF
gen() { "$PY" "$T/gen.py" "$@"; }

# expect.py: the answers, from the run objects.
cat >"$T/expect.py" <<'EOF'
import json, sys

def load(path):
    return json.load(open(path))

def value(c, run):
    # what makes a control's interval (docs/history.md): all but title and version of the plugin
    return (c["result"], c["state"], c["severity"], c["observed"], c["expected"], c["reason"],
            json.dumps(c["waiver"], separators=(",", ":")) if c["waiver"] else None,
            c["hidden_result"], run["baseline"]["version"], c["version"])

cmd = sys.argv[1]
if cmd == "results":            # RUN: "ID=RESULT ..." sorted by id
    run = load(sys.argv[2])
    print(" ".join("%s=%s" % (c["id"], c["result"]) for c in sorted(run["controls"], key=lambda c: c["id"])))
elif cmd == "status-results":   # STATUS-JSON HOST: the same from report status --format json
    doc = load(sys.argv[2])
    runs = [r for r in doc["runs"] if r["host"] == sys.argv[3]]
    print(" ".join("%s=%s" % (c["id"], c["result"]) for c in runs[0]["controls"]))
elif cmd == "since":            # OLD NEW T_OLD T_NEW: "ID@SINCE ..." when NEW follows OLD
    old, new = load(sys.argv[2]), load(sys.argv[3])
    before = {c["id"]: value(c, old) for c in old["controls"]}
    print(" ".join("%s@%s" % (c["id"], sys.argv[4] if before.get(c["id"]) == value(c, new) else sys.argv[5])
                   for c in sorted(new["controls"], key=lambda c: c["id"])))
elif cmd == "status-since":     # STATUS-JSON HOST
    doc = load(sys.argv[2])
    runs = [r for r in doc["runs"] if r["host"] == sys.argv[3]]
    print(" ".join("%s@%s" % (c["id"], c["since"]) for c in runs[0]["controls"]))
elif cmd == "compliance":       # RUN
    print(load(sys.argv[2])["compliance"])
elif cmd == "mean":             # N...: the mean as the reports print it
    v = [float(x) for x in sys.argv[2:]]
    print("%.1f" % (sum(v) / len(v)))
elif cmd == "critical":         # RUN: its failing critical controls
    run = load(sys.argv[2])
    print(sum(1 for c in run["controls"] if c["result"] == "FAIL" and c["severity"] == "critical"))
elif cmd == "top":              # RUN[:HOSTS]...: the top 10 "ID=HOSTS" of failing controls
    hosts = {}
    for arg in sys.argv[2:]:
        path, _, n = arg.partition(":")
        for c in load(path)["controls"]:
            if c["result"] == "FAIL":
                hosts[c["id"]] = hosts.get(c["id"], 0) + int(n or 1)
    top = sorted(hosts.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
    print(" ".join("%s=%d" % kv for kv in top))
elif cmd == "bench-top":        # BENCH-JSON
    doc = load(sys.argv[2])
    print(" ".join("%s=%d" % (c["id"], c["hosts"]) for c in doc["top_failing"]))
elif cmd == "bench-groups":     # BENCH-JSON: "LABEL:HOSTS:COMPLIANCE:CRITICAL ..."
    doc = load(sys.argv[2])
    print(" ".join("%s:%d:%.1f:%d" % (g["group"], g["hosts"], g["compliance"], g["critical_failing"])
                   for g in doc["groups"]))
EOF
ex() { "$PY" "$T/expect.py" "$@"; }

# ---- real runs ----------------------------------------------------------------

C=$(host_tree compliant)
N=$(host_tree noncompliant)
EV=$T/evidence.jsonl
DB=$T/history.db
run c --root "$C" --host-name web-01 --evidence "$EV"
assert "real: compliant run of web-01 exits 0" rc_is 0
run n --root "$N" --host-name web-02 --evidence "$EV"
assert "real: non-compliant run of web-02 exits 2" rc_is 2
# a run that evaluates nothing: the baseline cannot be read
timeout 20 "$CHECK" -B "$T/no-such-baseline.json" --root "$C" --host-name web-03 --evidence "$EV" >/dev/null
# one host, two runs at two moments: compliant, then (a second later) not
run r1 --root "$C" --host-name web-09 --evidence "$EV"
sleep 1.1
run r2 --root "$N" --host-name web-09 --evidence "$EV"
assert "real: five lines in the evidence log" [ "$(wc -l <"$EV")" -eq 5 ]

# the run objects, for the generator and the expectations
"$PY" - "$EV" "$T" <<'EOF'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
for i, name in enumerate(["c", "n", "err", "r1", "r2"]):
    json.dump(json.loads(lines[i])["run"], open("%s/run-%s.json" % (sys.argv[2], name), "w"))
EOF
T1=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["time"])' "$T/run-r1.json")
T2=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["time"])' "$T/run-r2.json")
assert "real: the two runs of web-09 are a second or more apart ($T1, $T2)" [ "$T1" \< "$T2" ]

cli ingest history ingest --db "$DB" "$EV"
assert "ingest: exit 0" [ "$RC" -eq 0 ]
assert "ingest: the summary line" out_is "$EV: 5 lines read, 5 runs stored, 0 already stored, 0 refused"
assert "ingest: stderr empty (not a terminal: no progress)" err_is ""
assert "ingest: the database is in WAL mode" [ "$(sql "$DB" 'PRAGMA journal_mode')" = wal ]
assert "ingest: five runs, four series (web-01, web-02, web-03, web-09)" \
	[ "$(sql "$DB" 'SELECT count(*) FROM runs')/$(sql "$DB" 'SELECT count(*) FROM series')" = 5/4 ]
assert "ingest: the source's position is the file's end" \
	[ "$(sql "$DB" 'SELECT offset FROM sources')" -eq "$(stat -c %s "$EV")" ]

cli status-real report status --db "$DB" --format json
assert "status: exit 0" [ "$RC" -eq 0 ]
assert "status: web-01's controls are the compliant run's" \
	[ "$(ex status-results "$OUT" web-01)" = "$(ex results "$T/run-c.json")" ]
assert "status: web-02's controls are the non-compliant run's" \
	[ "$(ex status-results "$OUT" web-02)" = "$(ex results "$T/run-n.json")" ]
assert "status: web-01 is 100% compliant, as its run said" \
	[ "$("$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); print([r["compliance"] for r in d["runs"] if r["host"]=="web-01"][0])' "$OUT")" = 100 ]
assert "status: web-03 never evaluated anything, so it has no run in force" \
	[ "$("$PY" -c 'import json,sys; print(sorted({r["host"] for r in json.load(open(sys.argv[1]))["runs"]}))' "$OUT")" = "['web-01', 'web-02', 'web-09']" ]
cli status-web03 report status --db "$DB" --host web-03
assert "status --host web-03: exit 1, nothing in force" [ "$RC" -eq 1 ]
assert "status --host web-03: says so" err_has "cyberbaseline: no runs in force at "
cli status-t1 report status --db "$DB" --host web-09 --at "$T1" --format json
assert "status --at the first real run of web-09: the compliant results" \
	[ "$(ex status-results "$OUT" web-09)" = "$(ex results "$T/run-r1.json")" ]
cli status-t2 report status --db "$DB" --host web-09 --at "$T2" --format json
assert "status --at the second real run of web-09: the non-compliant results" \
	[ "$(ex status-results "$OUT" web-09)" = "$(ex results "$T/run-r2.json")" ]
assert "status --at the second run: each control since the run that set its value" \
	[ "$(ex status-since "$OUT" web-09)" = "$(ex since "$T/run-r1.json" "$T/run-r2.json" "$T1" "$T2")" ]
cli status-text report status --db "$DB" --host web-02
assert "status text: the run line" \
	out_has "web-02 host: run $("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["time"])' "$T/run-n.json") CRITICAL, compliance $(ex compliance "$T/run-n.json")%"
assert "status text: an aligned table of controls" out_has "  CONTROL  RESULT  STATE     SEVERITY  SINCE"
assert "status text: LNX-001 fails" grep -qE '^  LNX-001  FAIL    CRITICAL  critical ' "$OUT"

# ---- idempotence ------------------------------------------------------------------

cli again history ingest --db "$DB" "$EV"
assert "ingest again: nothing read, nothing stored" \
	out_is "$EV: 0 lines read, 0 runs stored, 0 already stored, 0 refused"
cp "$EV" "$T/copy.jsonl"
cli copy history ingest --db "$DB" "$T/copy.jsonl"
assert "ingest a copy: read whole, every run already stored" \
	out_is "$T/copy.jsonl: 5 lines read, 0 runs stored, 5 already stored, 0 refused"
assert "ingest a copy: still five runs" [ "$(sql "$DB" 'SELECT count(*) FROM runs')" -eq 5 ]

# ---- time travel: the real runs at times of our choosing -------------------------------

GL=$T/travel.jsonl
TDB=$T/travel.db
printf 'host,group\nweb-02,Odense\nweb-01,Ignored\n' >"$T/groups.csv"
D2=2026-11-02T10:00:00Z
D3=2026-11-03T10:00:00Z
D4=2026-11-04T10:00:00Z
gen "$GL" "$T/run-c.json@$D2@web-01@Aarhus" "$T/run-n.json@$D2@web-02" "$T/run-n.json@$D2@web-03" \
	"$T/run-c.json@$D3@web-02" \
	"$T/run-n.json@$D4@web-01@Aarhus"
cli verify verify-evidence "$GL"
assert "time travel: the generated log is a valid chain" out_is "$GL: intact, 5 runs"
cli travel history ingest --db "$TDB" --groups "$T/groups.csv" "$GL"
assert "time travel: ingest" out_is "$GL: 5 lines read, 5 runs stored, 0 already stored, 0 refused"

cli t-before report status --db "$TDB" --at 2026-11-01
assert "status before the first run: exit 1" [ "$RC" -eq 1 ]
assert "status before the first run: the time asked is the end of that day" \
	err_is "cyberbaseline: no runs in force at 2026-11-01T23:59:59Z"
cli t-edge1 report status --db "$TDB" --host web-02 --at 2026-11-03T09:59:59Z --format json
assert "status a second before web-02 was fixed: the non-compliant results" \
	[ "$(ex status-results "$OUT" web-02)" = "$(ex results "$T/run-n.json")" ]
assert "status a second before: the group comes from the groups file" \
	[ "$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["runs"][0]["group"])' "$OUT")" = Odense ]
cli t-edge2 report status --db "$TDB" --host web-02 --at "$D3" --format json
assert "status at the second web-02 was fixed: the compliant results" \
	[ "$(ex status-results "$OUT" web-02)" = "$(ex results "$T/run-c.json")" ]
assert "status at that second: unchanged controls since day 2, changed ones since day 3" \
	[ "$(ex status-since "$OUT" web-02)" = "$(ex since "$T/run-n.json" "$T/run-c.json" "$D2" "$D3")" ]
cli t-late report status --db "$TDB" --host web-02 --at 2027-06-01 --format json
assert "status long after the last run: the last known, with its run's time" \
	[ "$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["runs"][0]["time"])' "$OUT")" = "$D3" ]
cli t-org report status --db "$TDB" --at 2026-11-04 --group Aarhus
assert "status --group Aarhus: web-01 by its run's org, not the groups file's 'Ignored'" \
	out_has "web-01 host, group Aarhus: run $D4 CRITICAL"
assert "status --group Aarhus: only web-01" [ "$(grep -c ' host, group ' "$OUT")" -eq 1 ]

CC=$(ex compliance "$T/run-c.json")
NC=$(ex compliance "$T/run-n.json")
cli trend report trend --db "$TDB" --from 2026-11-01 --to 2026-11-05 --format csv
assert "trend csv: the mean over hosts at the end of each day" \
	[ "$(tr -d '\r' <"$OUT")" = "$(printf 'date,hosts,compliance\n2026-11-01,0,\n2026-11-02,3,%s\n2026-11-03,3,%s\n2026-11-04,3,%s\n2026-11-05,3,%s' \
		"$(ex mean "$CC" "$NC" "$NC")" "$(ex mean "$CC" "$CC" "$NC")" "$(ex mean "$NC" "$CC" "$NC")" "$(ex mean "$NC" "$CC" "$NC")")" ]
cli trend-g report trend --db "$TDB" --from 2026-11-02 --to 2026-11-04 --group Aarhus
assert "trend text --group Aarhus: web-01 alone" \
	out_is "$(printf 'Compliance per day, 2026-11-02 to 2026-11-04, group Aarhus\n(the mean over hosts of each host'"'"'s compliance in force at the end of the day)\nDATE        HOSTS  COMPLIANCE\n2026-11-02      1  %10s\n2026-11-03      1  %10s\n2026-11-04      1  %10s' \
		"$(ex mean "$CC")" "$(ex mean "$CC")" "$(ex mean "$NC")")"
cli trend-none report trend --db "$TDB" --from 2026-10-01 --to 2026-10-31
assert "trend over days without runs: exit 1" [ "$RC" -eq 1 ]

cli bench report benchmark --db "$TDB" --at 2026-11-04 --format json
assert "benchmark: the groups, their hosts, compliance and failing critical controls" \
	[ "$(ex bench-groups "$OUT")" = "Aarhus:1:$(ex mean "$NC"):$(ex critical "$T/run-n.json") Odense:1:$(ex mean "$CC"):0 (no group):1:$(ex mean "$NC"):$(ex critical "$T/run-n.json")" ]
assert "benchmark: the top 10 failing controls by hosts" \
	[ "$(ex bench-top "$OUT")" = "$(ex top "$T/run-n.json:2" "$T/run-c.json:1")" ]
cli bench-anon report benchmark --db "$TDB" --at 2026-11-04 --anonymise
assert "benchmark --anonymise: Group A and Group B in the order of the names" \
	[ "$(awk 'NR>2 && NR<6 {print $1 $2}' "$OUT" | tr '\n' ' ')" = "GroupA GroupB (nogroup) " ]
assert "benchmark --anonymise: no group name appears" \
	[ "$(grep -cE 'Aarhus|Odense' "$OUT")" -eq 0 ]
cli bench-csv report benchmark --db "$TDB" --at 2026-11-04 --anonymise --format csv
assert "benchmark csv: a header and a row per group" \
	[ "$(head -1 "$OUT" | cut -d, -f1-6 | tr -d '\r')/$(wc -l <"$OUT")" = "group,hosts,compliance,critical_failing,hosts_with_critical_failing,hosts_with_compliance/4" ]

# ---- out of order: an older run read after newer ones ---------------------------------

OL=$T/older.jsonl
gen "$OL" "$T/run-n.json@2026-11-03T12:00:00Z@web-01@Aarhus"
cli older history ingest --db "$TDB" "$OL"
assert "out of order: stored and counted" \
	out_is "$OL: 1 line read, 1 run stored (1 older than their series' newest, fitted in), 0 already stored, 0 refused"
cli o1 report status --db "$TDB" --host web-01 --at 2026-11-03T11:59:59Z --format json
assert "out of order: a second before it, web-01 is still compliant" \
	[ "$(ex status-results "$OUT" web-01)" = "$(ex results "$T/run-c.json")" ]
cli o2 report status --db "$TDB" --host web-01 --at 2026-11-04 --format json
assert "out of order: on day 4 the regression dates from the older run (the interval reaches back)" \
	[ "$(ex status-since "$OUT" web-01)" = "$(ex since "$T/run-c.json" "$T/run-n.json" "$D2" 2026-11-03T12:00:00Z)" ]

# ---- a broken chain ---------------------------------------------------------------------

BR=$T/broken.jsonl
sed '2s/"web-02"/"web-2x"/' "$EV" >"$BR"
cli broken history ingest --db "$T/broken.db" "$BR"
assert "broken chain: exit 1" [ "$RC" -eq 1 ]
assert "broken chain: the line and why" err_is "$BR: line 3: prev does not match line 2"
assert "broken chain: the two lines before the break are stored" \
	out_is "$BR: 2 lines read, 2 runs stored, 0 already stored, 0 refused; stopped at line 3"
cli broken2 history ingest --db "$T/broken.db" "$BR"
assert "broken chain, again: reported again" exits 1 "$BR: line 3: prev does not match line 2"
assert "broken chain, again: nothing taken twice" \
	out_is "$BR: 0 lines read, 0 runs stored, 0 already stored, 0 refused; stopped at line 3"
cli broken-v verify-evidence "$BR"
assert "broken chain: verify-evidence agrees" out_is "$BR: broken: line 3: prev does not match line 2"

# ---- a partial last line ----------------------------------------------------------------

PL=$T/partial.jsonl
head -c "$(($(head -n 2 "$GL" | wc -c) + 500))" "$GL" >"$PL"
cli partial history ingest --db "$T/partial.db" "$PL"
assert "partial line: exit 0" [ "$RC" -eq 0 ]
assert "partial line: two lines taken, the third waits" \
	out_is "$PL: 2 lines read, 2 runs stored, 0 already stored, 0 refused; the last line is incomplete, left for the next ingest"
tail -c "+$(($(head -n 2 "$GL" | wc -c) + 501))" "$GL" | head -n 1 >>"$PL"
cli partial2 history ingest --db "$T/partial.db" "$PL"
assert "partial line completed: taken on the next ingest" \
	out_is "$PL: 1 line read, 1 run stored, 0 already stored, 0 refused"

# ---- a run that cannot be stored ------------------------------------------------------------

RL=$T/refused.jsonl
gen "$RL" "$T/run-c.json@$D2@-" "$T/run-c.json@$D3@web-01"
cli refused history ingest --db "$T/refused.db" "$RL"
assert "refused run: exit 1" [ "$RC" -eq 1 ]
assert "refused run: named on stderr" err_is "$RL: line 1: run not stored: no host"
assert "refused run: counted, the next line stored" \
	out_is "$RL: 2 lines read, 1 run stored, 0 already stored, 1 refused"

# ---- kill -9 in the middle of an ingest ------------------------------------------------------

BIG=$T/big.jsonl
"$PY" - "$T" <<'EOF'
import datetime, subprocess, sys
t, args = datetime.datetime(2026, 1, 1), []
for i in range(3000):
    run = "run-n.json" if (i // 7) % 3 == 0 else "run-c.json"
    args.append("%s/%s@%s@host%02d" % (sys.argv[1], run, (t + datetime.timedelta(minutes=i)).strftime("%Y-%m-%dT%H:%M:%SZ"), i % 20))
subprocess.run([sys.executable, sys.argv[1] + "/gen.py", sys.argv[1] + "/big.jsonl"] + args, check=True)
EOF
dump() {	# the intervals as text, whatever their row ids
	sql "$1" "SELECT host || ' ' || family || ' ' || control || ' ' || result || ' ' || vhash || ' ' || from_time || ' ' || to_time FROM interval_view ORDER BY 1"
}
t0=$(date +%s%N)
cli ref history ingest --db "$T/ref.db" "$BIG"
t1=$(date +%s%N)
assert "kill -9: a clean ingest of 3000 real runs" \
	out_is "$BIG: 3000 lines read, 3000 runs stored, 0 already stored, 0 refused"
dump "$T/ref.db" >"$T/ref.dump"
KDB=$T/killed.db
committed=0
mid=0
for delay in 0.15 0.3 0.5; do
	"$CLI" history ingest --db "$KDB" --batch 50 "$BIG" >/dev/null 2>&1 &
	pid=$!
	sleep "$delay"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	runs=$(sql "$KDB" 'SELECT count(*) FROM runs' 2>/dev/null || echo 0)
	lines=$(sql "$KDB" 'SELECT coalesce(sum(lines), 0) FROM sources' 2>/dev/null || echo 0)
	assert "kill -9 after ${delay}s: the committed runs ($runs) are the lines the position says ($lines)" \
		[ "${runs:-0}" -eq "${lines:-0}" ]
	assert "kill -9 after ${delay}s: nothing committed is lost ($runs >= $committed)" [ "${runs:-0}" -ge "$committed" ]
	[ "${runs:-0}" -gt 0 ] && [ "${runs:-0}" -lt 3000 ] && mid=1
	committed=${runs:-0}
done
if [ "$mid" -eq 1 ]; then
	ok "kill -9: at least one kill landed in the middle of the ingest"
else
	not_ok "kill -9: at least one kill landed in the middle of the ingest (clean ingest took $(((t1 - t0) / 1000000)) ms)"
fi
assert "kill -9: the database is intact" [ "$(sql "$KDB" 'PRAGMA integrity_check')" = ok ]
cli resume history ingest --db "$KDB" "$BIG"
assert "kill -9: the next ingest takes exactly the rest" \
	out_is "$BIG: $((3000 - committed)) line$([ $((3000 - committed)) -eq 1 ] || echo s) read, $((3000 - committed)) run$([ $((3000 - committed)) -eq 1 ] || echo s) stored, 0 already stored, 0 refused"
dump "$KDB" >"$T/killed.dump"
assert "kill -9: the store ends as one clean ingest's" cmp -s "$T/ref.dump" "$T/killed.dump"

# ---- usage, --db, progress --------------------------------------------------------------------

cli u1 report trend --db "$TDB"
assert "trend without --from/--to: exit 2" [ "$RC" -eq 2 ]
cli u2 report status --db "$TDB" --format xml
assert "--format xml: exit 2, an unknown format" exits 2 "unknown format 'xml' (text, csv, json, html)"
cli u3 report status --db "$TDB" --from 2026-11-01
assert "an option of another report: exit 2" exits 2 "option '--from' does not apply"
cli u4 report status --db "$TDB" --at 2026-13-01
assert "an invalid --at: exit 2" exits 2 "invalid time '2026-13-01'"
cli u5 report status --db "$T/none.db"
assert "a missing database: exit 1" exits 1 "cyberbaseline: cannot open history '$T/none.db': No such file or directory"
cli u6 history ingest --db "$TDB"
assert "ingest without files: exit 2" [ "$RC" -eq 2 ]
cli u7 history ingest --db "$TDB" "$T/missing.jsonl"
assert "ingest of a missing file: exit 1" exits 1 "cannot read evidence '$T/missing.jsonl'"
cli u8 history ingest --db "$TDB" --groups "$T/missing.csv" "$GL"
assert "a missing groups file: exit 1" exits 1 "cannot read groups '$T/missing.csv'"
CYBERBASELINE_DB=$TDB cli env report status --host web-02 --at 2026-11-02
assert "CYBERBASELINE_DB names the database" out_has "web-02 host, group Odense"
cli perm history ingest --db "$T/new.db" "$GL"
assert "a new database is created 0640" [ "$(stat -c %a "$T/new.db")" = 640 ]

# a report by a user who may only read the database (its group), in a directory it cannot write:
# the ingest keeps the -wal and -shm files, which such a reader cannot create
if [ "$(id -u)" -eq 0 ] && getent group nogroup >/dev/null; then
	chmod o+x "$T"
	mkdir -m 0755 "$T/ro"
	install -m 0640 -g nogroup /dev/null "$T/ro/h.db"
	"$CLI" history ingest --db "$T/ro/h.db" "$GL" >/dev/null
	# a copy nobody may run: the checkout may sit in a directory only root can enter
	install -m 0755 "$CLI" "$T/ro-cli"
	runuser -u nobody -g nogroup -- "$T/ro-cli" report status --db "$T/ro/h.db" --host web-02 >"$T/ro.out" 2>&1
	assert "a reader with only read access to the database and its directory" \
		grep -q '^web-02 host' "$T/ro.out"
	assert "the -wal and -shm files carry the database's group" \
		[ "$(stat -c %G "$T/ro/h.db-wal") $(stat -c %G "$T/ro/h.db-shm")" = "nogroup nogroup" ]
else
	skip "read-only reader: needs root and the group nogroup"
	skip "-wal and -shm group: needs root and the group nogroup"
fi

# progress: on a terminal, once the work took a second (CYBERBASELINE_PROGRESS_AFTER=0: at
# once, so that the test does not depend on this machine's speed); never on a pipe (above)
CYBERBASELINE_PROGRESS_AFTER=0 script -qec "$CLI history ingest --db $T/tty.db $BIG $GL" /dev/null \
	>"$T/tty.out" 2>&1
assert "progress: an ingest of two files on a terminal shows the whole ingest's" \
	grep -qE 'ingesting: +[0-9]+% \([0-9.]+ of [0-9.]+ MB\), file [12] of 2' "$T/tty.out"
CYBERBASELINE_PROGRESS_AFTER=0 script -qec "$CLI history ingest --db $T/tty1.db $BIG" /dev/null \
	>"$T/tty1.out" 2>&1
assert "progress: an ingest of one file on a terminal shows the file's" \
	grep -qE "ingesting $BIG: +[0-9]+%" "$T/tty1.out"
for r in "status" "trend --from 2026-10-01 --to 2026-11-28" "benchmark"; do
	CYBERBASELINE_PROGRESS_AFTER=0 script -qec "$CLI report $r --db $T/tty.db" /dev/null >"$T/tty-r.out" 2>&1
	assert "progress: report ${r%% *} on a terminal shows its progress, then erases it" \
		grep -qE "report ${r%% *}: +[0-9]+% \([0-9]+ s\)"$'\r\033\\[K' "$T/tty-r.out"
done
script -qec "$CLI history ingest --db $T/tty2.db $GL" /dev/null >"$T/tty2.out" 2>&1
assert "progress: not shown for an ingest under a second" [ "$(grep -c ingesting "$T/tty2.out")" -eq 0 ]
script -qec "$CLI report benchmark --db $T/tty.db" /dev/null >"$T/tty3.out" 2>&1
assert "progress: not shown for a report under a second" [ "$(grep -c 'report benchmark' "$T/tty3.out")" -eq 0 ]

echo "1..$n"
[ "$failed" -eq 0 ]
