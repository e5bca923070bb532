#!/usr/bin/env bash
# The Debian package: built by `make deb` (when build/deb has none, or the
# tree changed since), it holds every path we document, its control data is
# right, lintian finds nothing, and its programs work from where the package
# puts them: unpacked with `dpkg -x` into a temporary root, the CLI validates
# the packaged baseline, a check evaluates this machine against it, and the
# compiled-in default paths and the man pages say /usr, not /usr/local.
#
# Needs dpkg-dev, debhelper and the Build-Depends (scripts/install-deps);
# skipped (TAP "# SKIP") only when dpkg-buildpackage cannot run here. A build
# takes about 35 s on two cores. Prints TAP.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
export LC_ALL=C

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
diag() { sed 's/^/# /'; }
# assert DESCRIPTION COMMAND...: ok when the command succeeds
assert() {
	local what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}

T=$(mktemp -d /tmp/cyberbaseline-deb-test.XXXXXX)
trap 'rm -rf "$T"' EXIT

OUT=build/deb
skip_all() { echo "ok 1 # SKIP $*"; echo "1..1"; exit 0; }
command -v dpkg-buildpackage >/dev/null || skip_all "dpkg-buildpackage is not installed (dpkg-dev): not a Debian system"
version=$(dpkg-parsechangelog -l dist/debian/changelog -S Version)
arch=$(dpkg --print-architecture)
DEB=$OUT/cyberbaseline_${version}_${arch}.deb
CHANGES=$OUT/cyberbaseline_${version}_${arch}.changes

# Build when there is no package, or when what goes into it changed since.
newer=
[ -f "$DEB" ] && newer=$(find Makefile README.md baselines checks cli common dist docs man \
	scripts/build-deb -type f -newer "$DEB" 2>/dev/null | head -n 1)
if [ ! -f "$DEB" ] || [ -n "$newer" ]; then
	command -v dh >/dev/null || skip_all "debhelper is not installed (scripts/install-deps)"
	if ! unmet=$(dpkg-checkbuilddeps dist/debian/control 2>&1); then
		skip_all "dpkg-buildpackage cannot run: ${unmet#dpkg-checkbuilddeps: }"
	fi
	t0=$(date +%s)
	if make -s --no-print-directory deb >"$T/make-deb.log" 2>&1 && [ -f "$DEB" ]; then
		ok "make deb builds $DEB ($(($(date +%s) - t0)) s${newer:+, $newer changed})"
	else
		not_ok "make deb builds $DEB"
		tail -n 30 "$T/make-deb.log" | diag
		echo "1..$n"
		exit 1
	fi
else
	ok "$DEB is newer than the tree: not rebuilt"
fi
assert "the build left no debian/ in the tree" test ! -e debian

# --- what the package holds -------------------------------------------------

dpkg-deb -c "$DEB" | awk '{ print $6 }' | sed 's|^\./|/|; s|/$||' >"$T/paths"
checks=()
for c in checks/check_baseline_*.c; do
	c=${c#checks/}
	checks+=("${c%.c}")
done

# has_all WHAT PATH...: ok when the package lists every PATH
has_all() {
	local what=$1 p miss=()
	shift
	for p in "$@"; do
		grep -qxF -- "$p" "$T/paths" || miss+=("$p")
	done
	if [ ${#miss[@]} -eq 0 ]; then
		ok "the package holds $what ($# paths)"
	else
		not_ok "the package holds $what"
		printf '%s\n' "${miss[@]}" | sed 's/^/missing: /' | diag
	fi
}
has_all "the checks in /usr/lib/nagios/plugins" "${checks[@]/#//usr/lib/nagios/plugins/}"
has_all "the CLI in /usr/bin" /usr/bin/cyberbaseline
bl=()
for f in baselines/*.json; do bl+=("/usr/share/cyberbaseline/$f"); done
has_all "the baselines in /usr/share/cyberbaseline/baselines" "${bl[@]}"
has_all "the Icinga 2 CheckCommands and the Nagios commands" \
	/usr/share/icinga2/include/plugins-contrib.d/cyberbaseline.conf \
	/etc/nagios-plugins/config/cyberbaseline.cfg
man=()
for p in cyberbaseline "${checks[@]}"; do man+=("/usr/share/man/man1/$p.1.gz"); done
has_all "a man page for the CLI and every check" "${man[@]}"
docs=(/usr/share/doc/cyberbaseline/README.md /usr/share/doc/cyberbaseline/copyright
	/usr/share/doc/cyberbaseline/changelog.Debian.gz
	/usr/share/doc/cyberbaseline/examples/nrpe-cyberbaseline.cfg)
for f in docs/*.md docs/checks/*.md; do docs+=("/usr/share/doc/cyberbaseline/$f"); done
for f in dist/icinga2/examples/*.conf dist/icinga2/perfdata-writer.conf; do
	docs+=("/usr/share/doc/cyberbaseline/examples/icinga2/${f##*/}")
done
docs+=(/usr/share/doc/cyberbaseline/examples/perfdata.cfg)
has_all "README.md, docs/, docs/checks/, the NRPE and Icinga 2 examples, copyright and changelog" "${docs[@]}"
has_all "the history timer, its service and its script" \
	/lib/systemd/system/cyberbaseline-history.timer \
	/lib/systemd/system/cyberbaseline-history.service \
	/usr/share/cyberbaseline/history-ingest
if grep -E '^/usr/local|/build/|/tmp/' "$T/paths" >"$T/stray"; then
	not_ok "no path under /usr/local, build/ or /tmp"
	diag <"$T/stray"
else
	ok "no path under /usr/local, build/ or /tmp"
fi

dpkg-deb -f "$DEB" Depends >"$T/depends"
# shellcheck disable=SC2016  # a literal ${: a substvar left unexpanded
if grep -q 'libc6' "$T/depends" && grep -q 'libsnmp' "$T/depends" && ! grep -qF '${' "$T/depends"; then
	ok "Depends comes from shlibs: $(tr -d '\n' <"$T/depends")"
else
	not_ok "Depends comes from shlibs"
	diag <"$T/depends"
fi
dpkg-deb --ctrl-tarfile "$DEB" | tar -x -C "$T" ./conffiles ./postinst ./postrm 2>/dev/null
assert "the Nagios command file is a conffile" grep -qx /etc/nagios-plugins/config/cyberbaseline.cfg "$T/conffiles"
assert "postinst creates /var/lib/cyberbaseline for the nagios user" \
	grep -q 'install -d -m 750 -o nagios -g nagios /var/lib/cyberbaseline' "$T/postinst"
assert "postrm's purge keeps /var/lib/cyberbaseline when evidence is in it" \
	grep -q 'rmdir --ignore-fail-on-non-empty /var/lib/cyberbaseline' "$T/postrm"
assert "postinst enables and starts the history timer" \
	grep -q 'cyberbaseline-history.timer' "$T/postinst"

if command -v lintian >/dev/null; then
	# the tags found, less the overridden; lintian warns about running as root on stderr
	lintian "$CHANGES" >"$T/lintian" 2>"$T/lintian.err"
	if [ -s "$T/lintian" ]; then
		not_ok "lintian reports nothing on $CHANGES (the .deb, -dbgsym, .buildinfo)"
		diag <"$T/lintian"
	else
		ok "lintian reports nothing on $CHANGES (the .deb, -dbgsym, .buildinfo)"
	fi
else
	echo "ok $((n += 1)) # SKIP lintian is not installed (scripts/install-deps)"
fi

# --- the package's programs, unpacked ---------------------------------------

R=$T/root
dpkg -x "$DEB" "$R"
PLUGINS=$R/usr/lib/nagios/plugins
BASELINE=$R/usr/share/cyberbaseline/baselines/dk-kommune.json

"$PLUGINS/check_baseline_web" --help >"$T/help" 2>&1
rc=$?
if [ "$rc" -eq 3 ] && grep -q '^Usage:' "$T/help" &&
	grep -qF '(default: /usr/share/cyberbaseline/baselines/dk-kommune.json)' "$T/help"; then
	ok "check_baseline_web --help exits 3 with usage and the packaged default baseline"
else
	not_ok "check_baseline_web --help exits 3 with usage and the packaged default baseline (exit $rc)"
	head -n 20 "$T/help" | diag
fi

if "$R/usr/bin/cyberbaseline" validate "$BASELINE" >"$T/validate" 2>&1; then
	ok "cyberbaseline validate accepts the packaged baseline"
else
	not_ok "cyberbaseline validate accepts the packaged baseline"
	diag <"$T/validate"
fi

# this machine (--root /) against the packaged baseline: a real evaluation of
# that very file, whatever this machine's findings are
"$PLUGINS/check_baseline_host" -B "$BASELINE" --root / --output-format=json >"$T/host.json" 2>"$T/host.err"
rc=$?
want=$(sha256sum "$BASELINE" | cut -d ' ' -f 1)
if /usr/bin/python3 - "$T/host.json" "$rc" "$want" <<-'EOF'; then
	import json, sys
	doc = json.load(open(sys.argv[1]))
	rc, want = int(sys.argv[2]), sys.argv[3]
	bad = []
	if doc["exit_code"] != rc: bad.append("exit %d but exit_code %s" % (rc, doc["exit_code"]))
	if not doc.get("baseline") or doc["baseline"]["sha256"] != want: bad.append("baseline %s" % doc.get("baseline"))
	if doc["counts"]["total"] < 1: bad.append("no controls evaluated: %s" % doc.get("error"))
	for b in bad: print("# " + b)
	sys.exit(1 if bad else 0)
	EOF
	ok "check_baseline_host --root / evaluates the packaged baseline (exit $rc)"
else
	not_ok "check_baseline_host --root / evaluates the packaged baseline (exit $rc)"
	head -c 2000 "$T/host.json" | diag
	diag <"$T/host.err"
fi
assert "check_baseline_host writes nothing to stderr" test ! -s "$T/host.err"

# the timer's script, as the service runs it, on a real evidence log and its rotated copy
E=$T/evidence
mkdir -p "$E"
# (a second apart: two runs in one second would write the same line, stored once)
"$PLUGINS/check_baseline_host" -B "$BASELINE" --root / --evidence "$E/evidence-host.jsonl.1" >/dev/null 2>&1
sleep 1.1
"$PLUGINS/check_baseline_host" -B "$BASELINE" --root / --evidence "$E/evidence-host.jsonl" >/dev/null 2>&1
PATH=$R/usr/bin:$PATH CYBERBASELINE_EVIDENCE="$E/evidence*.jsonl $E/none*.jsonl" \
	CYBERBASELINE_DB=$E/history.db "$R/usr/share/cyberbaseline/history-ingest" >"$T/hi.out" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && [ "$(sed -n 1p "$T/hi.out")" = "$E/evidence-host.jsonl.1: 1 line read, 1 run stored, 0 already stored, 0 refused" ] &&
	[ "$(sed -n 2p "$T/hi.out")" = "$E/evidence-host.jsonl: 1 line read, 1 run stored, 0 already stored, 0 refused" ]; then
	ok "history-ingest reads a rotated log before its current one into CYBERBASELINE_DB"
else
	not_ok "history-ingest reads a rotated log before its current one into CYBERBASELINE_DB (exit $rc)"
	diag <"$T/hi.out"
fi
PATH=$R/usr/bin:$PATH CYBERBASELINE_EVIDENCE="$E/none*.jsonl" CYBERBASELINE_DB=$E/history.db \
	"$R/usr/share/cyberbaseline/history-ingest" >"$T/hi2.out" 2>&1
rc=$?
assert "history-ingest exits 0 quietly when no log exists yet (exit $rc)" \
	test "$rc" -eq 0 -a ! -s "$T/hi2.out"
if command -v systemd-analyze >/dev/null; then
	# verify the units against the unpacked tree (the man page is not installed here: not asked)
	mkdir -p "$T/units"
	sed "s|/usr/share/cyberbaseline/history-ingest|$R/usr/share/cyberbaseline/history-ingest|; /^Documentation=/d" \
		"$R/lib/systemd/system/cyberbaseline-history.service" >"$T/units/cyberbaseline-history.service"
	sed '/^Documentation=/d' "$R/lib/systemd/system/cyberbaseline-history.timer" \
		>"$T/units/cyberbaseline-history.timer"
	if systemd-analyze verify "$T/units/cyberbaseline-history.timer" \
		"$T/units/cyberbaseline-history.service" >"$T/verify" 2>&1 && ! grep -q . "$T/verify"; then
		ok "systemd-analyze verify accepts the history timer and service"
	else
		not_ok "systemd-analyze verify accepts the history timer and service"
		diag <"$T/verify"
	fi
fi

miss=()
for p in "${man[@]}"; do
	zcat "$R$p" | grep -q '/usr/share/' || miss+=("$p")
	zcat "$R$p" | grep -q '/usr/local' && miss+=("$p")
done
if [ ${#miss[@]} -eq 0 ]; then
	ok "the packaged man pages name /usr/share paths, none under /usr/local"
else
	not_ok "the packaged man pages name /usr/share paths, none under /usr/local"
	printf '%s\n' "${miss[@]}" | diag
fi

echo "1..$n"
[ "$failed" -eq 0 ]
