#!/usr/bin/env python3
"""The Python half of tests/integration/test_schedulers.sh: talks to Icinga's
API, reads Nagios' status.dat and the Graphite sink's file, and compares what
each daemon made of a check with what the same check printed when run directly.

    schedulers.py icinga-collect PORT CA WAIT OUT [--endpoint NAME] KEY...
    schedulers.py icinga SPEC RESULTS KEY argv|result|source
    schedulers.py graphite-wait SPEC SINK WAIT KEY...
    schedulers.py graphite SPEC SINK KEY
    schedulers.py nagios-collect STATUS SINCE WAIT OUT KEY...
    schedulers.py nagios SPEC RESULTS KEY
    schedulers.py perfdata-store SPEC STATUS-JSON KEY...
    schedulers.py absent FILE... -- SECRET...

KEY is "host!service". SPEC is a JSON-lines file the shell writes, one target
a line: key, state (0-3, or null when only the direct run knows it), prefix
(of the first line's text, before any '|'), argv (the command line Icinga's CheckCommand must build,
which is also what ran directly), volatile (the long output changes from run
to run: compare its [STATE] ID tags only), out and rc (the direct run's output
file and exit code). The API password comes from $CB_API_PW, never argv.

Every comparison prints what differs as TAP diagnostics ("# ...") and exits
1; the shell turns the exit code into ok / not ok.
"""
import base64
import json
import os
import re
import ssl
import sys
import time
import urllib.request

STATES = {0: "OK", 1: "WARNING", 2: "CRITICAL", 3: "UNKNOWN"}


def diag(*lines):
    for line in lines:
        for part in str(line).split("\n"):
            print("# " + part)


def load_spec(path, key):
    with open(path) as f:
        for line in f:
            t = json.loads(line)
            if t["key"] == key:
                with open(t["out"], encoding="utf-8", errors="replace") as o:
                    t["text"] = o.read()
                return t
    raise SystemExit("# no target %r in %s" % (key, path))


def split_output(text):
    """Plugin output -> (first-line text, perfdata tokens, long-output lines),
    as the plugin guidelines define them: the first line up to its first '|'
    is the text, the rest of it perfdata; our checks put no '|' after that."""
    lines = text.rstrip("\n").split("\n")
    first, _, perf = lines[0].partition("|")
    return first, perf.split(), lines[1:]


def tags(lines):
    """The "[STATE] ID" head of each control line: what a volatile long output
    must keep from run to run."""
    return [m.group(0) for m in (re.match(r"\[[A-Z/]+\] \S+", l) for l in lines) if m]


def check_head(t, state, first, who):
    """The state and first line a daemon reports, against the target's
    expected state and prefix and against the direct run."""
    bad = []
    want_first = split_output(t["text"])[0]
    if t["state"] is not None and state != t["state"]:
        bad.append("%s state %s (%s), expected %s (%s)" % (who, state, STATES.get(state),
                                                          t["state"], STATES[t["state"]]))
    if state != t["rc"]:
        bad.append("%s state %s, the direct run exited %s" % (who, state, t["rc"]))
    if not first.startswith(t["prefix"]):
        bad.append("%s first line %r does not start with %r" % (who, first, t["prefix"]))
    if first != want_first:
        bad.append("%s first line %r, the direct run printed %r" % (who, first, want_first))
    return bad


# Facts of the fixture trees that are this machine's, not the tree's: the free
# space of the file system the tree lies on moves while the suite runs (LOG-006)
MACHINE_FACTS = re.compile(r"(host\.log_free_percent=)\d+")


def check_long(t, lines, who):
    want = [MACHINE_FACTS.sub(r"\1N", l) for l in split_output(t["text"])[2]]
    lines = [MACHINE_FACTS.sub(r"\1N", l) for l in lines]
    if t["volatile"]:
        if tags(lines) != tags(want):
            return ["%s long output tags %s, the direct run's %s" % (who, tags(lines), tags(want))]
        return []
    if lines != want:
        diff = [i for i in range(max(len(lines), len(want)))
                if i >= len(lines) or i >= len(want) or lines[i] != want[i]][0]
        return ["%s long output differs from the direct run at line %d:" % (who, diff + 2),
                "  %s: %r" % (who, lines[diff] if diff < len(lines) else None),
                "  direct: %r" % (want[diff] if diff < len(want) else None)]
    return []


def finish(bad):
    diag(*bad)
    sys.exit(1 if bad else 0)


# ---- Icinga 2 -------------------------------------------------------------

def api_client(port, ca):
    ctx = ssl.create_default_context(cafile=ca)
    ctx.check_hostname = False	# the certificate names the node, not 127.0.0.1
    auth = "Basic " + base64.b64encode(("test:" + os.environ["CB_API_PW"]).encode()).decode()

    def api(method, path, body=None):
        req = urllib.request.Request(
            "https://127.0.0.1:%s%s" % (port, path), method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Accept": "application/json", "Authorization": auth})
        with urllib.request.urlopen(req, context=ctx, timeout=5) as resp:
            return json.load(resp)
    return api


def icinga_collect(port, ca, wait, out, args):
    """Waits for the API (and for the agent's endpoint to be connected, with
    --endpoint), forces every service's check once, and waits until each KEY
    has a result that began after that; writes {key: last_check_result}."""
    endpoint = None
    if args[:1] == ["--endpoint"]:
        endpoint, args = args[1], args[2:]
    keys = set(args)
    api = api_client(port, ca)
    end = time.time() + wait
    forced, got, last_err = None, {}, None
    while time.time() < end:
        try:
            if forced is None:
                if endpoint:
                    eps = api("GET", "/v1/objects/endpoints?attrs=connected")["results"]
                    if not any(e["name"] == endpoint and e["attrs"]["connected"] for e in eps):
                        raise OSError("endpoint %s not connected yet" % endpoint)
                api("POST", "/v1/actions/reschedule-check",
                    {"type": "Service", "filter": "true", "force": True})
                forced = time.time()
                diag("icinga API up%s, every service's check forced" %
                     (", agent connected" if endpoint else ""))
            res = api("GET", "/v1/objects/services?attrs=last_check_result")["results"]
            got = {r["name"]: r["attrs"]["last_check_result"] for r in res if r["name"] in keys}
            fresh = {k for k, c in got.items() if c and c["execution_start"] >= forced - 1}
            if fresh == keys:
                with open(out, "w") as f:
                    json.dump(got, f, indent=1)
                diag("every result in %.1f s after forcing" % (time.time() - forced))
                sys.exit(0)
        except (OSError, ValueError) as e:
            last_err = e
        time.sleep(0.5)
    diag("no fresh result of every service within %d s (forced: %s, last error: %s)" %
         (wait, forced is not None, last_err))
    if forced is not None:
        diag("missing: %s" % sorted(k for k in keys if not (got.get(k) and
                                                            got[k]["execution_start"] >= forced - 1)))
    sys.exit(1)


def argv_pairs(argv):
    """A command line as a sorted list of (option, value) and (flag,) items, the
    program first: Icinga orders arguments by their order attribute and then by
    name, which need not be the order the test wrote them in."""
    items, i = [], 1
    while i < len(argv):
        if i + 1 < len(argv) and not argv[i + 1].startswith("-"):
            items.append((argv[i], argv[i + 1]))
            i += 2
        else:
            items.append((argv[i],))
            i += 1
    return [argv[0]] + sorted(items)


def icinga(spec, results, key, what):
    t = load_spec(spec, key)
    try:
        with open(results) as f:
            c = json.load(f)[key]
    except (OSError, ValueError, KeyError) as e:
        finish(["no Icinga result for %s: %s" % (key, e)])
    bad = []
    if what == "source":
        if c.get("check_source") != t["source"]:
            bad.append("check_source %r, expected %r" % (c.get("check_source"), t["source"]))
    elif what == "argv":
        got, want = c.get("command") or [], t["argv"]
        if argv_pairs(got) != argv_pairs(want):
            bad += ["Icinga ran:    %s" % " ".join(got), "expected:      %s" % " ".join(want)]
    else:
        # state from the exit code; output = the first line's text, then the
        # long output joined with \n; performance_data = the perfdata tokens
        lines = c["output"].split("\n")
        bad += check_head(t, int(c["state"]), lines[0], "Icinga")
        if c["exit_status"] != t["rc"]:
            bad.append("Icinga exit_status %s, the direct run exited %s" % (c["exit_status"], t["rc"]))
        bad += check_long(t, lines[1:], "Icinga")
        want_pd = split_output(t["text"])[1]
        if (c["performance_data"] or []) != want_pd:
            bad += ["Icinga performance_data %s" % c["performance_data"],
                    "the direct run printed  %s" % want_pd]
    finish(bad)


# ---- Graphite: what Icinga's perfdata parser made of it --------------------

UNITS = {"": 1, "%": 1, "s": 1, "ms": 1e-3, "us": 1e-6, "b": 1, "kb": 1e3, "mb": 1e6,
         "gb": 1e9, "tb": 1e12, "kib": 1024, "mib": 1024 ** 2, "gib": 1024 ** 3,
         "tib": 1024 ** 4, "c": 1}


def escape_metric(s):
    """GraphiteWriter::EscapeMetric (host, service and command names)."""
    for c in " .\\/":
        s = s.replace(c, "_")
    return s


def escape_label(s):
    """GraphiteWriter::EscapeMetricLabel (perfdata labels)."""
    for c in " \\/":
        s = s.replace(c, "_")
    return s.replace("::", ".")


def expected_metrics(t):
    """{graphite label: value} of the direct run's perfdata, parsed by the
    plugin guidelines (label=value[unit];warn;crit;min;max), with the units
    Icinga normalises scaled as it scales them."""
    want = {}
    for tok in split_output(t["text"])[1]:
        label, _, rest = tok.rpartition("=")
        label = label.strip("'")
        m = re.match(r"([-+]?[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)([A-Za-z%]*)$", rest.split(";")[0])
        if not m or m.group(2).lower() not in UNITS:
            raise SystemExit("# the direct run printed perfdata Icinga must reject: %r" % tok)
        want[escape_label(label)] = float(m.group(1)) * UNITS[m.group(2).lower()]
    return want


def sink_metrics(sink, t):
    """{label: last value} the sink received for the target's service."""
    host, service = t["key"].split("!")
    prefix = "icinga2.%s.services.%s.%s.perfdata." % (
        escape_metric(host), escape_metric(service), escape_metric(t["command"]))
    got = {}
    with open(sink, errors="replace") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3 and parts[0].startswith(prefix) and parts[0].endswith(".value"):
                got[parts[0][len(prefix):-len(".value")]] = float(parts[1])
    return got


def graphite_wait(spec, sink, wait, keys):
    end = time.time() + wait
    targets = [load_spec(spec, k) for k in keys]
    while time.time() < end:
        if all(set(sink_metrics(sink, t)) >= set(expected_metrics(t)) for t in targets):
            sys.exit(0)
        time.sleep(0.2)
    diag("the sink did not receive every label of every service within %d s" % wait)
    sys.exit(1)


def graphite(spec, sink, key):
    t = load_spec(spec, key)
    want, got = expected_metrics(t), sink_metrics(sink, t)
    bad = []
    for label in sorted(set(want) | set(got)):
        if label not in got:
            bad.append("%s: printed %s, never reached the sink" % (label, want[label]))
        elif label not in want:
            bad.append("%s: the sink got %s, the plugin printed no such label" % (label, got[label]))
        elif got[label] != want[label]:
            bad.append("%s: the sink got %s, the plugin printed %s" % (label, got[label], want[label]))
    if not want:
        bad.append("the direct run printed no perfdata")
    finish(bad)


# ---- Nagios 4 -------------------------------------------------------------

def status_services(path):
    found, cur = {}, None
    try:
        with open(path, errors="replace") as f:
            text = f.read()
    except OSError:
        return found
    for line in text.split("\n"):
        line = line.lstrip()
        if line == "servicestatus {":
            cur = {}
        elif line.strip() == "}" and cur is not None:
            found["%s!%s" % (cur.get("host_name"), cur.get("service_description"))] = cur
            cur = None
        elif cur is not None and "=" in line:
            k, v = line.split("=", 1)
            cur[k] = v
    return found


def nagios_collect(path, since, wait, out, keys):
    end = time.time() + wait
    got = {}
    while time.time() < end:
        got = status_services(path)
        if all(int(got.get(k, {}).get("last_check", "0")) >= since for k in keys):
            with open(out, "w") as f:
                json.dump({k: got[k] for k in keys}, f, indent=1)
            sys.exit(0)
        time.sleep(0.5)
    diag("no result of every service in status.dat within %d s; missing: %s" %
         (wait, [k for k in keys if int(got.get(k, {}).get("last_check", "0")) < since]))
    sys.exit(1)


def unescape_status(s):
    """status.dat writes a newline in long_plugin_output as \\n and a backslash as \\\\."""
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), s)


def nagios(spec, results, key):
    t = load_spec(spec, key)
    try:
        with open(results) as f:
            s = json.load(f)[key]
    except (OSError, ValueError, KeyError) as e:
        finish(["no Nagios result for %s: %s" % (key, e)])
    first, perf, lines = split_output(t["text"])
    # Nagios trims the first line's text and rewrites ';' to ':' (the
    # external command separator); our checks write ',' instead
    t = dict(t, text="\n".join([first.strip().replace(";", ":") + "|" + " ".join(perf)] + lines))
    bad = check_head(t, int(s["current_state"]), s["plugin_output"], "Nagios")
    long_out = unescape_status(s.get("long_plugin_output", ""))
    bad += check_long(t, long_out.split("\n") if long_out else [], "Nagios")
    if s.get("performance_data", "") != " ".join(perf):
        bad += ["Nagios performance_data %r" % s.get("performance_data"),
                "the direct run printed  %r" % " ".join(perf)]
    finish(bad)


# ---- perfdata files read back into the history store ----------------------

CODES = {"0": ("PASS", "OK"), "1": ("FAIL", "WARNING"), "2": ("FAIL", "CRITICAL"),
         "3": ("ERROR", None), "-1": ("WAIVED", "OK"), "-2": ("NA", "OK")}


def perfdata_store(spec, status, keys):
    """The store's controls of each target's last run against the per-control
    codes of the direct run's perfdata (docs/output.md 2.3). Targets without
    the codes, or sharing a host and check with another, are left out; at
    least one must be compared."""
    with open(status) as f:
        runs = {(r["host"], r["family"]): r for r in json.load(f)["runs"]}
    seen, bad, compared = {}, [], 0
    specs = [load_spec(spec, k) for k in keys]
    for t in specs:
        host = t["key"].split("!")[0]
        fam = re.match(r"BASELINE \S+ - (\S+)", t["text"])
        seen.setdefault((host, fam and fam.group(1)), []).append(t["key"])
    for t in specs:
        host = t["key"].split("!")[0]
        fam = re.match(r"BASELINE \S+ - (\S+)", t["text"])
        k = (host, fam and fam.group(1))
        _, perf, _ = split_output(t["text"])
        codes = dict(p.split("=", 1) for p in perf if re.match(r"[A-Z]+-\d+=", p))
        if not codes or len(seen[k]) > 1:
            continue
        r = runs.get(k)
        if not r:
            bad.append("%s: no run of %s in the store" % (t["key"], k))
            continue
        got = {c["id"]: (c["result"], c["state"]) for c in r["controls"]}
        for cid, v in codes.items():
            want = CODES[v.split(";")[0]]
            if cid not in got or got[cid][0] != want[0] or (want[1] and got[cid][1] != want[1]):
                bad.append("%s %s: store %s, perfdata code %s" % (t["key"], cid, got.get(cid), v))
        if len(got) != len(codes):
            bad.append("%s: %d controls stored, %d codes" % (t["key"], len(got), len(codes)))
        compared += 1
    if not compared:
        bad.append("no target with per-control perfdata was compared")
    diag("%d targets compared" % compared)
    finish(bad)


# ---- secrets --------------------------------------------------------------

def absent(args):
    """None of the SECRETs appears in any FILE."""
    sep = args.index("--")
    files, secrets = args[:sep], [s for s in args[sep + 1:] if s]
    bad = []
    for path in files:
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError as e:
            bad.append("cannot read %s: %s" % (path, e))
            continue
        if any(s.encode() in data for s in secrets):
            bad.append("a secret of a credentials file appears in %s" % path)
    if not secrets:
        bad.append("no secrets to look for")
    finish(bad)


def main(a):
    cmd = a[0] if a else ""
    if cmd == "icinga-collect":
        icinga_collect(a[1], a[2], float(a[3]), a[4], a[5:])
    elif cmd == "icinga":
        icinga(a[1], a[2], a[3], a[4])
    elif cmd == "graphite-wait":
        graphite_wait(a[1], a[2], float(a[3]), a[4:])
    elif cmd == "graphite":
        graphite(a[1], a[2], a[3])
    elif cmd == "nagios-collect":
        nagios_collect(a[1], int(a[2]), float(a[3]), a[4], a[5:])
    elif cmd == "nagios":
        nagios(a[1], a[2], a[3])
    elif cmd == "perfdata-store":
        perfdata_store(a[1], a[2], a[3:])
    elif cmd == "absent":
        absent(a[1:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
