#!/usr/bin/env bash
# cyberbaseline report status|trend|benchmark --format html, opened in a real
# browser (docs/history.md section 2, "HTML"):
#
#   store       real evidence (check_baseline_host on the compliant and
#               non-compliant fixture trees, with a waiver in force and one that
#               expires later), its run objects re-chained at times of our
#               choosing as test_history.sh does; one run carries hostile
#               strings (markup, quotes, control characters) in its group name
#               and an observed value
#   documents   each report as html and as json; the html is one document with
#               no script, no URL, no src/href and balanced tags
#   rendering   headless Chromium takes a screenshot of each page; the PNG is
#               decoded here (zlib, no PIL) and must not be blank
#   numbers     Chromium's DOM (--dump-dom) is read with html.parser: every
#               number marked data-key equals the JSON report's
#   offline     Chromium runs in a network namespace of its own (when it can)
#               with every host name unresolvable, and writes a net log: the
#               pages request nothing (a page with an image URL shows the log
#               would tell)
#   anonymise   the anonymised benchmark names no group and no host
#
# Chromium is required: without it the test fails. Prints TAP.
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build/rel}
CHECK=$BUILD/check_baseline_host
CLI=$BUILD/cyberbaseline
export CB_TODAY=2026-11-28
unset CYBERBASELINE_DB

# shellcheck source=tests/integration/lib.sh
. tests/integration/lib.sh

CHROMIUM=$(command -v chromium || true)
if [ -z "$CHROMIUM" ]; then
	not_ok "prerequisite 'chromium' is installed (scripts/install-deps)"
	echo "1..$n"
	exit 1
fi
ok "prerequisite: $("$CHROMIUM" --version 2>/dev/null | head -n 1)"

# cli NAME ARGS...: runs the CLI, stdout to $T/NAME; sets RC, OUT, ERR.
cli() {
	local name=$1
	shift
	OUT=$T/$name
	ERR=$T/$name.err
	timeout 60 "$CLI" "$@" >"$OUT" 2>"$ERR"
	RC=$?
}

# ---- the store, from real evidence ---------------------------------------------

cat >"$T/waivers.json" <<'EOF'
{
  "waivers": [
    {"control": "LNX-019", "host": "web-*", "justification": "Replaced by the new image in Q3.",
     "approved_by": "CISO, Aarhus Kommune", "ticket": "SEC-2026-0412",
     "created": "2026-11-01", "expires": "2027-10-31"},
    {"control": "LOG-003", "host": "web-*", "justification": "Log server moves in December.",
     "approved_by": "CISO, Aarhus Kommune", "created": "2026-11-01", "expires": "2026-12-15"}
  ]
}
EOF
EV=$T/evidence.jsonl
run c --root "$(host_tree compliant)" --host-name web-01 --evidence "$EV"
assert "real: compliant run exits 0" rc_is 0
run n --root "$(host_tree noncompliant)" --host-name web-02 --waivers "$T/waivers.json" --evidence "$EV"
assert "real: non-compliant run (two controls waived) exits 2" rc_is 2
"$PY" - "$EV" "$T" <<'EOF'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
for i, name in enumerate(["c", "n"]):
    json.dump(json.loads(lines[i])["run"], open("%s/run-%s.json" % (sys.argv[2], name), "w"))
# a run as a hostile peer would shape it: markup, quotes and control characters
run = json.loads(lines[1])["run"]
for c in run["controls"]:
    if c["result"] == "FAIL":
        c["observed"] = "<script>alert(1)</script> & \"dq\" 'sq' \x1b[31mred\x07\ttab\u0085nel </td>"
        break
json.dump(run, open("%s/run-evil.json" % sys.argv[2], "w"))
EOF
assert "real: a run with WAIVED controls to show" \
	grep -q '"result": "WAIVED"' "$T/run-n.json"

# gen.py OUT ENTRY...: a chained evidence log of run objects, ENTRY RUNFILE@TIME@HOST[@ORG]
# (as in test_history.sh)
cat >"$T/gen.py" <<'EOF'
import hashlib, json, sys
prev, out = "", open(sys.argv[1], "w")
for entry in sys.argv[2:]:
    parts = entry.split("@")
    run = json.load(open(parts[0]))
    run["time"] = parts[1]
    run["host"] = parts[2]
    if len(parts) > 3:
        run["org"] = parts[3]
    line = json.dumps({"prev": prev, "run": run}, separators=(",", ":"), ensure_ascii=False)
    out.write(line + "\n")
    prev = hashlib.sha256(line.encode()).hexdigest()
EOF
EVIL='Evil <b>"Kommune"</b> & '"'"'Co'"'"
GL=$T/travel.jsonl
DB=$T/history.db
printf 'host,group\nweb-02,Odense\n' >"$T/groups.csv"
"$PY" "$T/gen.py" "$GL" \
	"$T/run-c.json@2026-11-02T10:00:00Z@web-01@Aarhus" "$T/run-n.json@2026-11-02T10:00:00Z@web-02" \
	"$T/run-n.json@2026-11-02T11:00:00Z@web-03" \
	"$T/run-c.json@2026-11-03T10:00:00Z@web-02" "$T/run-evil.json@2026-11-03T10:00:00Z@evil-01@$EVIL" \
	"$T/run-n.json@2026-11-04T10:00:00Z@web-01@Aarhus" "$T/run-c.json@2026-11-04T10:00:00Z@db-01@Aarhus"
cli ingest history ingest --db "$DB" --groups "$T/groups.csv" "$GL"
assert "store: seven runs ingested" grep -qF "7 lines read, 7 runs stored" "$OUT"

# ---- the reports, as html and as json ------------------------------------------------

# report NAME ARGS...: NAME.html and NAME.json; asserts both exit 0
report() {
	local name=$1 rc_h rc_j
	shift
	cli "$name.html" report "$@" --format html
	rc_h=$RC
	cli "$name.json" report "$@" --format json
	rc_j=$RC
	assert "$name: html and json written (exit $rc_h, $rc_j)" [ "$rc_h/$rc_j" = 0/0 ]
}
report status status --db "$DB" --at 2026-11-04
report status-later status --db "$DB" --at 2027-01-10 --host web-03
report trend trend --db "$DB" --from 2026-10-31 --to 2026-11-05
report bench benchmark --db "$DB" --at 2026-11-04
report anon benchmark --db "$DB" --at 2026-11-04 --anonymise
PAGES="status status-later trend bench anon"

# static.py FILE [data-urls]: the static checks of a document; "# why" lines. The page may
# hold no URL of its own: no element or attribute that loads, nothing in its CSS, no
# "http://" or "https://" in any tag. With data-urls, the text of the report may quote one
# (a real host's backup target is "rest:https://..."): every "http://" and "https://" in the
# file must then be such text, shown and never loaded; without it, there must be none.
cat >"$T/static.py" <<'EOF'
import html.parser, re, sys
VOID = {"meta", "br", "hr", "img", "input", "link", "wbr", "col", "area", "base", "source"}
LOADS = {"script", "link", "img", "image", "iframe", "frame", "object", "embed", "use", "a",
         "base", "form", "audio", "video", "source", "track", "picture", "foreignobject"}
SHOWN = re.compile(r"^(title|aria-label|data-[a-z-]+)$")	# attributes that only show text
URL = re.compile(r"https?://", re.I)
text = open(sys.argv[1], encoding="utf-8").read()
data_urls = len(sys.argv) > 2
bad = []
if not text.startswith("<!doctype html>\n"):
    bad.append("does not start with <!doctype html>")
for need in ('<html lang="en">', '<meta charset="utf-8">', "<title>", "<style>",
             "content=\"default-src 'none'; style-src 'unsafe-inline'\""):
    if need not in text:
        bad.append("lacks " + need)
class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors, self.svg, self.shown_urls = [], [], 0, 0
    def tag(self, tag, attrs):
        a = dict(attrs)
        if tag in LOADS:
            self.errors.append("a <%s> element" % tag)
        for k, v in attrs:
            v = v or ""
            if k.startswith("on") or k in ("src", "href", "xlink:href", "srcset", "action", "poster"):
                self.errors.append("a %s= attribute" % k)
            elif SHOWN.match(k):
                self.shown_urls += len(URL.findall(v))
            elif URL.search(v) or "url(" in v or "javascript:" in v.lower():
                self.errors.append("a URL in %s=%r" % (k, v))
        if tag == "svg":
            self.svg += 1
            if a.get("role") != "img" or not a.get("aria-label"):
                self.errors.append("an svg without role=img and aria-label")
        if tag == "th" and a.get("scope") not in ("col", "row"):
            self.errors.append("a th without scope")
    def handle_starttag(self, tag, attrs):
        self.tag(tag, attrs)
        if tag not in VOID:
            self.stack.append(tag)
    def handle_startendtag(self, tag, attrs):
        self.tag(tag, attrs)
    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append("</%s> closes <%s>" % (tag, self.stack[-1] if self.stack else "nothing"))
        else:
            self.stack.pop()
    def handle_data(self, data):
        if self.stack and self.stack[-1] == "style":
            if "url(" in data or "@import" in data or URL.search(data):
                self.errors.append("a URL in the CSS")
        else:
            self.shown_urls += len(URL.findall(data))
p = Page()
p.feed(text)
p.close()
bad += p.errors[:5]
if p.stack:
    bad.append("left open: %s" % p.stack)
if not p.svg:
    bad.append("no chart (svg)")
raw = len(URL.findall(text))
if raw != p.shown_urls or (raw and not data_urls):
    bad.append("%d http:// or https:// in the file, %d of them report text" % (raw, p.shown_urls))
for b in bad:
    print("# " + b)
sys.exit(1 if bad else 0)
EOF
assert "status.html: the report's text quotes URLs from the evidence (so the check below sees some)" \
	grep -q 'rest:https://' "$T/status.html"
for p in $PAGES; do
	data=
	case $p in status*) data=data-urls ;; esac
	assert "$p.html: one HTML5 document, inline CSS and SVG, no script, no URL${data:+ outside the report text}, tags balanced" \
		"$PY" "$T/static.py" "$T/$p.html" $data
done

# ---- Chromium: render, screenshot, DOM -------------------------------------------------

export HOME=$T/home
mkdir -p "$HOME"
# a network namespace with nothing in it, when we may make one
NETNS=()
if unshare -n true 2>/dev/null; then
	NETNS=(unshare -n)
fi
# chrome NAME ARGS...: headless Chromium on NAME's own profile and net log, $T/NAME.netlog;
# stdout to $T/NAME.chrome.out
chrome() {
	local name=$1
	shift
	timeout 60 "${NETNS[@]}" "$CHROMIUM" --headless=new --no-sandbox --disable-gpu \
		--no-proxy-server --host-resolver-rules='MAP * ~NOTFOUND' \
		--disable-background-networking --disable-component-update --disable-sync \
		--disable-extensions --disable-default-apps --no-first-run --disable-breakpad \
		--user-data-dir="$T/profile-$name" --log-net-log="$T/$name.netlog" \
		--window-size=1200,1600 "$@" >"$T/$name.chrome.out" 2>"$T/$name.chrome.err"
}

# The requests a page made, from a net log: URL requests that a document started (the
# browser's own, such as its update checks, have no origin and go nowhere here).
cat >"$T/netlog.py" <<'EOF'
import json, sys
log = json.load(open(sys.argv[1]))
kinds = {v: k for k, v in log["constants"]["logEventTypes"].items()}
urls = set()
for ev in log.get("events", []):
    p = ev.get("params") or {}
    if kinds.get(ev["type"]) == "URL_REQUEST_START_JOB" and "url" in p and \
            (p.get("initiator") != "not an origin" or "file:" in p.get("network_isolation_key", "")):
        urls.add(p["url"])
for u in sorted(urls):
    print(u)
EOF

# The PNG decoded with zlib: "WIDTHxHEIGHT COLOURS NONWHITE-PERCENT"
cat >"$T/png.py" <<'EOF'
import itertools, struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, ihdr = 8, [], None
while pos < len(data):
    ln, = struct.unpack(">I", data[pos:pos + 4])
    typ, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + ln]
    pos += 12 + ln
    if typ == b"IHDR":
        ihdr = struct.unpack(">IIBBBBB", body)
    elif typ == b"IDAT":
        idat.append(body)
    elif typ == b"IEND":
        break
w, h, depth, ctype, _, _, interlace = ihdr
assert depth == 8 and ctype in (2, 6) and interlace == 0, "PNG kind %s" % (ihdr,)
bpp = 3 if ctype == 2 else 4
stride = w * bpp
raw = zlib.decompress(b"".join(idat))
prev = bytes(stride)
colours, nonwhite = set(), 0
for y in range(h):
    f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    if f == 1:
        for c in range(bpp):
            line[c::bpp] = bytes(itertools.accumulate(line[c::bpp], lambda a, b: (a + b) & 255))
    elif f == 2:
        line = bytearray((a + b) & 255 for a, b in zip(line, prev))
    elif f == 3:
        for i in range(stride):
            line[i] = (line[i] + (((line[i - bpp] if i >= bpp else 0) + prev[i]) >> 1)) & 255
    elif f == 4:
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], (prev[i - bpp] if i >= bpp else 0)
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    prev = bytes(line)
    for x in range(0, stride, bpp):
        px = prev[x:x + 3]
        if len(colours) < 1000:
            colours.add(px)
        if px != b"\xff\xff\xff":
            nonwhite += 1
print("%dx%d %d %.2f" % (w, h, len(colours), 100.0 * nonwhite / (w * h)))
EOF

# the net log catches a page's request (else "requests nothing" below would prove nothing)
printf '<!doctype html><title>x</title><img src="http://192.0.2.1/x.png">\n' >"$T/probe.html"
chrome probe --screenshot="$T/probe.png" "file://$T/probe.html"
assert "net log: a page that asks for an image URL is seen asking" \
	grep -qx 'http://192.0.2.1/x.png' <("$PY" "$T/netlog.py" "$T/probe.netlog")

for p in $PAGES; do
	chrome "$p-shot" --screenshot="$T/$p.png" "file://$T/$p.html"
	assert "$p: Chromium writes a screenshot" [ -s "$T/$p.png" ]
	read -r size colours nonwhite <<<"$("$PY" "$T/png.py" "$T/$p.png" 2>&1)"
	assert "$p: the screenshot is 1200x1600, not blank ($colours colours, ${nonwhite}% not white)" \
		"$PY" -c 'import sys; s, c, nw = sys.argv[1:]; sys.exit(not (s == "1200x1600" and int(c) > 2 and float(nw) > 1.0))' \
		"$size" "$colours" "$nonwhite"
	chrome "$p-dom" --dump-dom "file://$T/$p.html"
	cp "$T/$p-dom.chrome.out" "$T/$p.dom"
	assert "$p: Chromium's DOM has the report (its <h1>)" grep -q '<h1>' "$T/$p.dom"
	assert "$p: the DOM has no <script>" [ "$(grep -ci '<script' "$T/$p.dom")" -eq 0 ]
	assert "$p: the page requested nothing (net logs of both runs)" \
		[ -z "$("$PY" "$T/netlog.py" "$T/$p-shot.netlog")$("$PY" "$T/netlog.py" "$T/$p-dom.netlog")" ]
done

# ---- the numbers in the page are the JSON report's -------------------------------------

# compare.py KIND DOM JSON: every data-key marker against the JSON; "# why" lines on a mismatch
cat >"$T/compare.py" <<'EOF'
import html.parser, json, re, sys
kind, dom, doc = sys.argv[1], open(sys.argv[2], encoding="utf-8").read(), json.load(open(sys.argv[3]))
def shown(s):	# a string as the page shows it: control characters as spaces
    return re.sub("[\x00-\x1f\x7f\x80-\x9f]", " ", s)
class Markers(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open, self.found, self.cells = [], [], []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.open.append((tag, a, []))
    def handle_startendtag(self, tag, attrs):
        pass
    def handle_data(self, data):
        for _, _, text in self.open:
            text.append(data)
    def handle_endtag(self, tag):
        while self.open:
            t, a, text = self.open.pop()
            if "data-key" in a:
                self.found.append((a, "".join(text).strip()))
            if t == "td":
                self.cells.append("".join(text))
            if t == tag:
                break
m = Markers()
m.feed(dom)
bad = []
def expect(what, got, want):
    if got != want:
        bad.append("%s: page %r, json %r" % (what, got, want))
def num(v, one_decimal):
    return "-" if v is None else ("%.1f" % v if one_decimal else str(v))
seen = {}
if kind == "status":
    want = {}
    for r in doc["runs"]:
        hf = (shown(r["host"]), shown(r["family"]))
        counts = {k: 0 for k in ("PASS", "FAIL", "ERROR", "WAIVED", "NA")}
        for c in r["controls"]:
            want[hf + ("result", shown(c["id"]))] = c["result"]
            counts[c["result"]] += 1
        for k, v in counts.items():
            want[hf + ("count", k)] = str(v)
        if r["compliance"] is not None:
            want[hf + ("compliance", "")] = str(r["compliance"])
    want[("hosts",)] = str(len({r["host"] for r in doc["runs"]}))
    want[("runs",)] = str(len(doc["runs"]))
    for a, text in m.found:
        k = a["data-key"]
        if k in ("hosts", "runs"):
            key = (k,)
        else:
            key = (a.get("data-host"), a.get("data-family"), k,
                   a.get("data-control") or a.get("data-result") or "")
        seen[key] = text
    expect("markers", sorted(seen), sorted(want))
    for key in want:
        if key in seen:
            expect(" ".join(key), seen[key], want[key])
    # every observed value whole, shown as the text: the hostile one too
    for r in doc["runs"]:
        for c in r["controls"]:
            v = c["observed"] if c["observed"] is not None else (c["reason"] or "")
            if shown(v) not in m.cells:
                bad.append("observed of %s %s not in a cell: %r" % (r["host"], c["id"], v))
    exp = sum(1 for r in doc["runs"] for c in r["controls"] if c["waiver_expired"])
    expect("[expired by then]", dom.count("[expired by then]"), exp)
    expect("waivers listed", dom.count("<caption>Waivers in force</caption>"),
           sum(1 for r in doc["runs"] if any(c["waiver"] for c in r["controls"])))
elif kind == "trend":
    want = {}
    for d in doc["days"]:
        want[(d["date"], "hosts")] = str(d["hosts"])
        want[(d["date"], "compliance")] = num(d["compliance"], True)
    for a, text in m.found:
        seen[(a.get("data-date"), a["data-key"])] = text
    expect("markers", sorted(seen), sorted(want))
    for key in want:
        if key in seen:
            expect(" ".join(key), seen[key], want[key])
elif kind == "bench":
    want = {}
    for g in doc["groups"]:
        l = shown(g["group"])
        want[("table", l, "", "hosts")] = str(g["hosts"])
        want[("table", l, "", "compliance")] = num(g["compliance"], True)
        want[("table", l, "", "critical_failing")] = str(g["critical_failing"])
        want[("table", l, "", "hosts_with_critical_failing")] = str(g["hosts_with_critical_failing"])
        if g["compliance"] is not None:
            want[("chart", l, "", "compliance")] = num(g["compliance"], True)
    for c in doc["top_failing"]:
        want[("table", "", c["id"], "hosts")] = str(c["hosts"])
        for pg in c["per_group"]:
            want[("table", shown(pg["group"]), c["id"], "hosts")] = str(pg["hosts"])
    for a, text in m.found:
        key = (a.get("data-in", "table"), a.get("data-group", ""), a.get("data-control", ""), a["data-key"])
        if key in seen:
            bad.append("marker twice: %s" % (key,))
        seen[key] = text
    expect("markers", sorted(seen), sorted(want))
    for key in want:
        if key in seen:
            expect(" ".join(key), seen[key], want[key])
for b in bad[:10]:
    print("# " + b)
print("# %d markers compared" % len(seen))
sys.exit(1 if bad or not seen else 0)
EOF
assert "status: each control's result, the counts per result, compliance, hosts and runs are the JSON's" \
	"$PY" "$T/compare.py" status "$T/status.dom" "$T/status.json"
assert "status later: the same, with the waiver that has expired by then marked" \
	"$PY" "$T/compare.py" status "$T/status-later.dom" "$T/status-later.json"
assert "status later: one waiver marked [expired by then], one not" \
	[ "$(grep -o 'expired by then' "$T/status-later.dom" | wc -l)/$(grep -c '<caption>Waivers in force' "$T/status-later.dom")" = 1/1 ]
assert "trend: hosts and compliance per day are the JSON's (a day without data shows -)" \
	"$PY" "$T/compare.py" trend "$T/trend.dom" "$T/trend.json"
assert "trend: the line joins the four days with data, the two without are a gap" \
	"$PY" -c 'import re,sys; l = re.findall(r"<polyline[^>]* points=\"([^\"]*)\"", open(sys.argv[1]).read()); sys.exit(not (len(l) == 1 and len(l[0].split()) == 4))' "$T/trend.dom"
assert "benchmark: hosts, compliance (table and chart), critical failing and the top controls are the JSON's" \
	"$PY" "$T/compare.py" bench "$T/bench.dom" "$T/bench.json"
assert "benchmark anonymised: the same numbers, under Group A, Group B, (no group)" \
	"$PY" "$T/compare.py" bench "$T/anon.dom" "$T/anon.json"

# ---- hostile strings and anonymity ---------------------------------------------------------

assert "hostile strings: the markup of a peer's banner is text in the page, not markup" \
	grep -qF '&lt;script&gt;alert(1)&lt;/script&gt; &amp; "dq" '"'"'sq'"'"'  [31mred  tab nel &lt;/td&gt;' "$T/status.dom"
assert "hostile strings: the hostile group is text in the benchmark's table" \
	grep -qF 'Evil &lt;b&gt;"Kommune"&lt;/b&gt; &amp; '"'"'Co'"'" "$T/bench.dom"
assert "hostile strings: no element of theirs made it into the DOM (<b> only as text)" \
	[ "$(grep -c '<b>' "$T/bench.dom")" -eq 0 ]
assert "anonymise: no group name and no host name in the html" \
	[ "$(grep -cE 'Aarhus|Odense|Evil|Kommune|web-0|db-01|evil-01' "$T/anon.html")" -eq 0 ]
assert "anonymise: the groups are Group A, Group B, Group C and (no group)" \
	[ "$("$PY" -c 'import json,sys; print(",".join(g["group"] for g in json.load(open(sys.argv[1]))["groups"]))' "$T/anon.json")" = "Group A,Group B,Group C,(no group)" ]

echo "1..$n"
[ "$failed" -eq 0 ]
