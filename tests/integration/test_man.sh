#!/usr/bin/env bash
# The man pages, as `make install` installs them, say what --help says.
#
# `make install DESTDIR=$T/root` (the default PREFIX); then for the CLI and
# every check in checks/: the program and its page are installed, the page
# renders without a groff or man warning, has a real NAME line and the
# sections --help cannot give (SYNOPSIS, EXIT STATUS, FILES, SEE ALSO), and
# names every option the installed program's --help prints (each -x and
# --long-option, read from the page's roff source). A page left behind by a
# new option fails here. The comparison is tried once on a page with an
# option cut out, so that this test is known to be able to fail.
#
# Needs help2man (scripts/install-deps). Prints TAP.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build/rel}
export LC_ALL=C

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
diag() { sed 's/^/# /'; }

T=$(mktemp -d /tmp/cyberbaseline-man.XXXXXX)
trap 'rm -rf "$T"' EXIT

mk=(make -s --no-print-directory)
[ "$BUILD" = build/san ] && mk+=("SANITIZE=address,undefined")
if ! command -v help2man >/dev/null; then
	not_ok "help2man is installed (scripts/install-deps)"
	echo "1..$n"
	exit 1
fi
if "${mk[@]}" install DESTDIR="$T/root" >"$T/install.log" 2>&1; then
	ok "make install DESTDIR=... installs the man pages"
else
	not_ok "make install DESTDIR=... installs the man pages"
	tail -n 20 "$T/install.log" | diag
	echo "1..$n"
	exit 1
fi
ROOT=$T/root/usr/local
MAN1=$ROOT/share/man/man1

# options_of PROGRAM: every -x and --long-option its --help prints, one a line
options_of() {
	"$1" --help 2>&1 | grep -oE '(^|[][ (,|])--?[A-Za-z][A-Za-z0-9-]*' | sed 's/^[^-]*//' | sort -u
}

# page_text PAGE: the roff source with the escapes that split an option
# undone (\- to -, font changes, italic corrections)
page_text() {
	sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\f(CW//g' -e 's/\\[,/&]//g' "$1"
}

# missing_options PROGRAM PAGE: the options of PROGRAM's --help that PAGE does
# not name, one a line (none: all there)
missing_options() {
	local o text
	text=$(page_text "$2")
	options_of "$1" | while read -r o; do
		grep -qE -- "(^|[^A-Za-z0-9-])$o([^A-Za-z0-9-]|$)" <<<"$text" || echo "$o"
	done
}

programs=(cyberbaseline)
for c in checks/check_baseline_*.c; do
	c=${c#checks/}
	programs+=("${c%.c}")
done

for p in "${programs[@]}"; do
	if [ "$p" = cyberbaseline ]; then bin=$ROOT/bin/$p; else bin=$ROOT/lib/nagios/plugins/$p; fi
	page=$MAN1/$p.1
	if [ ! -x "$bin" ] || [ ! -f "$page" ]; then
		not_ok "$p: program and man page are installed ($bin, $page)"
		continue
	fi
	ok "$p: program and man page are installed"

	if command -v man >/dev/null; then
		warn=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings -E UTF-8 -l "$page" 2>&1 >/dev/null)
		if [ -z "$warn" ]; then
			ok "$p.1 renders without warnings"
		else
			not_ok "$p.1 renders without warnings"
			diag <<<"$warn"
		fi
	fi

	name=$(sed -n '/^\.SH NAME/{n;p;}' "$page")
	case $name in
	"$p \\- manual page for"* | "") not_ok "$p.1 has a NAME line of its own: '$name'" ;;
	"$p \\- "*) ok "$p.1 has a NAME line of its own" ;;
	*) not_ok "$p.1 has a NAME line of its own: '$name'" ;;
	esac

	lack=()
	for s in SYNOPSIS OPTIONS '"EXIT STATUS"' FILES '"SEE ALSO"'; do
		[ "$p" = cyberbaseline ] && [ "$s" = OPTIONS ] && continue	# its options are in DESCRIPTION
		grep -qx "\.SH $s" "$page" || lack+=("$s")
	done
	if [ ${#lack[@]} -eq 0 ]; then
		ok "$p.1 has SYNOPSIS, EXIT STATUS, FILES and SEE ALSO"
	else
		not_ok "$p.1 has SYNOPSIS, EXIT STATUS, FILES and SEE ALSO: missing ${lack[*]}"
	fi

	count=$(options_of "$bin" | wc -l)
	miss=$(missing_options "$bin" "$page")
	if [ "$count" -gt 0 ] && [ -z "$miss" ]; then
		ok "$p.1 names all $count options of $p --help"
	else
		not_ok "$p.1 names all $count options of $p --help"
		echo "# missing from the page:"
		diag <<<"$miss"
	fi
done

# cyberbaseline(1) is the index: it refers to every check's page.
lack=()
for p in "${programs[@]}"; do
	[ "$p" = cyberbaseline ] && continue
	grep -q "^\.BR $p (1)" "$MAN1/cyberbaseline.1" 2>/dev/null || lack+=("$p")
done
if [ ${#lack[@]} -eq 0 ]; then
	ok "cyberbaseline.1's SEE ALSO names every check"
else
	not_ok "cyberbaseline.1's SEE ALSO names every check: missing ${lack[*]} (man/cyberbaseline.h2m)"
fi

# The comparison can fail: a page without --timeout-result is caught.
p=check_baseline_ssh
grep -v 'timeout\\-result' "$MAN1/$p.1" >"$T/cut.1"
miss=$(missing_options "$ROOT/lib/nagios/plugins/$p" "$T/cut.1")
if [ "$miss" = --timeout-result ]; then
	ok "a page with --timeout-result cut out is caught"
else
	not_ok "a page with --timeout-result cut out is caught"
	echo "# reported missing: '$miss'"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
