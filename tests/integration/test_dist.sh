#!/usr/bin/env bash
# What an operator installs from dist/ must load in the real daemons and hand
# the plugin the arguments we document.
#
# Icinga 2: `icinga2 daemon -C` on a private configuration that includes <itl>,
# <plugins> and dist/icinga2/cyberbaseline.conf, with the apply rule from the
# file's own comment; then the daemon runs in the foreground (temp dir only)
# with a stub plugin that records its argv, and we compare the command lines.
# Nagios 4: `nagios4 -v` on a private nagios.cfg reading
# dist/nagios/cyberbaseline.cfg and the service example from its comment; then
# the daemon runs one forced check through the stub.
#
# Every check, check_baseline_ssh, _tls, _snmp, _host, _mail and _web:
# with the defaults, with every variable set, and in each example of the dist
# files. A variable misspelt, or not passed as its option, makes a recorded
# argv differ.
#
# Needs the Debian packages icinga2-bin + icinga2-common and nagios4-core; each
# half is skipped (TAP "# SKIP") when its daemon is not installed. The stubs are
# shell scripts: the real checks are not needed and no peer is contacted.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
CONF=$ROOT/dist/icinga2/cyberbaseline.conf
CFG=$ROOT/dist/nagios/cyberbaseline.cfg

n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }
skip() { n=$((n + 1)); echo "ok $n # SKIP $1"; }
check() {	# what, expected, actual
	if [ "$2" = "$3" ]; then ok "$1"; else nok "$1" "expected: $2" "actual:   $3"; fi
}

dir=$(mktemp -d /tmp/cyberbaseline-dist.XXXXXX)
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	rm -rf "$dir"
}
trap cleanup EXIT

user=$(id -un)
group=$(id -gn)

# stubs DIR: the stub plugins in DIR/plugins, one set per daemon (both keep
# running until the end); check_baseline_<check> records its argv (one per
# line) in DIR/argv.<check>.<--host-name value>.
stubs() {
	local c
	mkdir -p "$1/plugins"
	for c in ssh tls snmp host mail web; do
		cat >"$1/plugins/check_baseline_$c" <<-EOF
		#!/bin/sh
		out="$1/argv.$c.none" prev=
		for a in "\$@"; do
			[ "\$prev" = --host-name ] && out="$1/argv.$c.\$a"
			prev=\$a
		done
		printf '%s\n' "\$@" >"\$out.tmp" && mv "\$out.tmp" "\$out"
		echo "BASELINE OK - stub|compliance=100%;;;0;100"
		EOF
		chmod 755 "$1/plugins/check_baseline_$c"
	done
}

# Waits up to 15 s for the stub of check $2 in DIR $1 to record host $3;
# prints its argv on one line.
argv_of() {
	local f=$1/argv.$2.$3 _
	for _ in $(seq 1 150); do
		[ -s "$f" ] && break
		sleep 0.1
	done
	[ -s "$f" ] && tr '\n' ' ' <"$f" | sed 's/ $//'
}

# An argv line as sorted "option value" groups: Icinga orders arguments by
# their `order`, and those of equal order in no fixed sequence.
groups() {
	echo "$1" | tr ' ' '\n' | awk '/^-/ { if (g != "") print g; g = $0; next } { g = g " " $0 }
		END { if (g != "") print g }' | LC_ALL=C sort | tr '\n' ';' | sed 's/;$//'
}

# real_checks WHAT DIR: every argv the stubs recorded in DIR, handed to the
# real build/rel/check_baseline_<check> with -B pointing at a missing file and
# --evidence left out, must get as far as loading the baseline: so every option
# and value the daemon built is one the check accepts (a misspelt option or a
# bad value ends in a usage error instead). Nothing is contacted: the run ends
# before the probe. --credentials (SNMP) is kept but points at a missing file
# in the temp dir, so that no real credentials file of this machine is read;
# the check loads the baseline first, and should that order change, the
# credentials error for that file is accepted too.
real_checks() {
	local f c args line bad=() seen=0 cred=$dir/missing-credentials.conf
	for f in "$2"/argv.*.*; do
		case $f in *.tmp | */argv.*.none) continue ;; esac
		c=${f#"$2"/argv.}
		c=${c%%.*}
		[ -x "build/rel/check_baseline_$c" ] || continue
		args=()
		while IFS= read -r line; do
			case $line in
			-B | --evidence) read -r _ ;;
			--credentials) read -r _ && args+=(--credentials "$cred") ;;
			*) args+=("$line") ;;
			esac
		done <"$f"
		seen=$((seen + 1))
		line=$(timeout 10 "build/rel/check_baseline_$c" "${args[@]}" -B "$dir/missing.json" 2>&1 |
			head -n 1)
		case $line in
		"BASELINE UNKNOWN - $c "*": cannot read baseline '$dir/missing.json'"*) ;;
		"BASELINE UNKNOWN - $c "*": cannot read credentials '$cred'"*) ;;
		*) bad+=("check_baseline_$c ${args[*]}: $line") ;;
		esac
	done
	if [ "$seen" -eq 0 ]; then
		skip "$1 (build/rel not built: make)"
	elif [ ${#bad[@]} -eq 0 ]; then
		ok "$1 ($seen command lines)"
	else
		nok "$1" "${bad[@]}"
	fi
}

# A commented block of a dist file: from the line matching $2 to its closing
# brace, with the comment leader ($3, a sed regex) removed.
example() {
	sed -n "/$2/,/^$3}/p" "$1" | sed "s/^$3//"
}

# ---------------------------------------------------------------- Icinga 2
icinga_tests=31
if ! command -v icinga2 >/dev/null 2>&1 || [ ! -e /usr/share/icinga2/include/itl ]; then
	for _ in $(seq 1 $icinga_tests); do skip "icinga2 not installed (Debian: icinga2-bin icinga2-common)"; done
else
	ic=$dir/icinga2
	mkdir -p "$ic"/{etc,lib,log,cache,spool,run}
	stubs "$ic"
	consts=(-DConfigDir="$ic/etc" -DDataDir="$ic/lib" -DLogDir="$ic/log"
		-DCacheDir="$ic/cache" -DSpoolDir="$ic/spool" -DInitRunDir="$ic/run"
		-DRunAsUser="$user" -DRunAsGroup="$group" -DNodeName=dist-test -DZoneName=dist-test)
	{
		echo 'include <itl>'
		echo 'include <plugins>'
		echo "include \"$CONF\""
		echo "const PluginDir = \"$ic/plugins\""
		echo 'object CheckerComponent "checker" { }'
		echo 'template Service "generic-service" { check_interval = 1s }'
		# the examples from the file's own comment, as an operator would paste
		# them; only their interval is shortened: Icinga's first check of a
		# service comes at a random time within min(check_interval, 60 s)
		# baseline-host's command_endpoint names the host's agent, which this
		# single node does not have: the check runs here instead
		for rule in baseline-ssh baseline-https baseline-smtp-starttls baseline-snmp baseline-host \
			baseline-mail- baseline-web; do
			example "$CONF" "apply Service \"$rule\"" ' \*   ' |
				sed 's/check_interval = .*/check_interval = 1s/; /command_endpoint = /d'
		done
		cat <<-'EOF'
		object Host "defaults.example" {
			check_command = "dummy"
			address = "127.0.0.1"
		}
		object Host "v6only.example" {
			check_command = "dummy"
			address6 = "::1"
		}
		object Host "every-option.example" {
			check_command = "dummy"
			address = "127.0.0.2"
			vars.baseline_ssh_port = 2222
			vars.baseline_tls_port = 8443
			vars.baseline_tls_sni = "portal.every-option.example"
			vars.baseline_tls_starttls = "imap"
			vars.baseline_tls_ca_file = "/etc/cyberbaseline/internal-ca.pem"
			vars.baseline_snmp_address = "127.0.0.20"
			vars.baseline_snmp_port = 1161
			vars.baseline_snmp_credentials = "/etc/icinga2/cyberbaseline/snmp/every-option.example.conf"
			vars.baseline_snmp_state_dir = "/var/lib/cyberbaseline/snmp-state"
			vars.baseline_host_root = "/srv/images/every-option"
			vars.baseline_mail_domain = "every-option.example"
			vars.baseline_mail_dns_server = "127.0.0.53:5353"
			vars.baseline_mail_dkim_selector = [ "s1", "s2" ]
			vars.baseline_mail_no_mail = true
			vars.baseline_mail_ca_file = "/etc/cyberbaseline/mail-ca.pem"
			vars.baseline_mail_smtp_port = 2525
			vars.baseline_mail_mta_sts_port = 8443
			vars.baseline_web_url = "https://portal.every-option.example/login"
			vars.baseline_web_ca_file = "/etc/cyberbaseline/web-ca.pem"
			vars.baseline_web_http_port = 8080
			vars.baseline_timeout = 15
			vars.baseline_timeout_result = "critical"
			vars.baseline_unreachable_result = "warning"
			vars.baseline_file = "/srv/baselines/dk-kommune.json"
			vars.baseline_profile = "udvidet"
			vars.baseline_tailoring = "/etc/cyberbaseline/tailoring.json"
			vars.baseline_waivers = "/etc/cyberbaseline/waivers.json"
			vars.baseline_lang = "da"
			vars.baseline_org = "every-option-kommune"
			vars.baseline_evidence = "/var/lib/cyberbaseline/evidence.jsonl"
			vars.baseline_max_output = 4000
			vars.baseline_perfdata_controls = true
			vars.baseline_warning = "90:"
			vars.baseline_critical = "75:"
			vars.baseline_verbose = true
		}
		object Host "linux.example" {
			check_command = "dummy"
			address = "127.0.0.3"
			vars.os = "Linux"
			vars.agent_endpoint = true
		}
		object Host "www.aarhus.dk" {
			check_command = "dummy"
			address = "127.0.0.4"
			vars.https = true
		}
		object Host "mail.aarhus.dk" {
			check_command = "dummy"
			address = "127.0.0.5"
			vars.smtp = true
		}
		object Host "sw-core-01.aarhus.dk" {
			check_command = "dummy"
			address = "127.0.0.6"
			vars.snmp = true
		}
		object Host "aarhus-kommune" {
			check_command = "dummy"
			address = "127.0.0.7"
			vars.mail_domains = [ "aarhus.dk" ]
		}
		apply Service "ssh-baseline-test" {
			check_command = "baseline_ssh"
			check_interval = 1s
			assign where host.name in [ "defaults.example", "v6only.example", "every-option.example" ]
		}
		apply Service "tls-baseline-test" {
			check_command = "baseline_tls"
			check_interval = 1s
			assign where host.name in [ "defaults.example", "v6only.example", "every-option.example" ]
		}
		apply Service "snmp-baseline-test" {
			check_command = "baseline_snmp"
			check_interval = 1s
			assign where host.name in [ "defaults.example", "v6only.example", "every-option.example" ]
		}
		apply Service "mail-baseline-test" {
			check_command = "baseline_mail"
			check_interval = 1s
			assign where host.name == "every-option.example"
		}
		apply Service "web-baseline-test" {
			check_command = "baseline_web"
			check_interval = 1s
			assign where host.name == "every-option.example"
		}
		apply Service "host-baseline-test" {
			check_command = "baseline_host"
			check_interval = 1s
			assign where host.name in [ "defaults.example", "every-option.example" ]
		}
		EOF
	} >"$ic/etc/icinga2.conf"

	if out=$(icinga2 daemon -C -c "$ic/etc/icinga2.conf" "${consts[@]}" 2>&1); then
		ok "icinga2 daemon -C accepts dist/icinga2/cyberbaseline.conf and its example apply rules"
	else
		nok "icinga2 daemon -C accepts dist/icinga2/cyberbaseline.conf and its example apply rules" \
			"$(echo "$out" | grep -iE 'critical|error' | head -5)"
	fi

	# The commands as Icinga resolved them (from the object cache daemon -C
	# wrote): each timeout is 10 s above the default plugin deadline, so the
	# plugin's own "timeout after" line is what the operator sees.
	timeouts() {	# CheckCommand name: prints "<vars.baseline_timeout> <timeout>"
		icinga2 object list --type CheckCommand --name "$1" "${consts[@]}" 2>/dev/null |
			awk '/^  \* timeout = / { t = $4 } /^    \* baseline_timeout = / { v = $4 }
				END { print v, t }'
	}
	check "Icinga resolves baseline_ssh to -t 20 under a 30 s command timeout" \
		"20 30" "$(timeouts baseline_ssh)"
	check "Icinga resolves baseline_tls to -t 30 under a 40 s command timeout" \
		"30 40" "$(timeouts baseline_tls)"
	check "Icinga resolves baseline_snmp to -t 10 under a 20 s command timeout" \
		"10 20" "$(timeouts baseline_snmp)"
	check "Icinga resolves baseline_host to -t 10 under a 20 s command timeout" \
		"10 20" "$(timeouts baseline_host)"
	check "Icinga resolves baseline_mail to -t 20 under a 30 s command timeout" \
		"20 30" "$(timeouts baseline_mail)"
	check "Icinga resolves baseline_web to -t 20 under a 30 s command timeout" \
		"20 30" "$(timeouts baseline_web)"

	# The distributed example (dist/icinga2/examples): the master's zones.conf,
	# the templates in a global zone, the apply rules and two hosts in a
	# municipality's satellite zone, as docs/icinga2.md lays them out; the
	# host check goes to the agent by command_endpoint.
	dz=$dir/icinga2-zones
	mkdir -p "$dz"/{lib/certs,log,cache,spool,run} "$dz/etc/zones.d/global-templates" "$dz/etc/zones.d/kommune-aarhus"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=master.cyber.example \
		-keyout "$dz/lib/certs/master.cyber.example.key" -out "$dz/lib/certs/master.cyber.example.crt" 2>/dev/null
	cp "$dz/lib/certs/master.cyber.example.crt" "$dz/lib/certs/ca.crt"
	cp "$ROOT/dist/icinga2/examples/zones.conf" "$dz/etc/"
	cp "$ROOT/dist/icinga2/examples/templates.conf" "$dz/etc/zones.d/global-templates/"
	cp "$ROOT/dist/icinga2/examples/services.conf" "$dz/etc/zones.d/kommune-aarhus/baseline.conf"
	cat >"$dz/etc/zones.d/kommune-aarhus/hosts.conf" <<-'EOF'
	object Host "web01.aarhus.dk" {
		import "baseline-municipality"
		check_command = "dummy"
		address = "192.0.2.10"
		vars.os = "Linux"
		vars.agent_endpoint = "web01.aarhus.dk"
		vars.ssh = true
		vars.https = true
		vars.smtp = true
		vars.mail_domains = [ "aarhus.dk" ]
		vars.dkim_selectors = [ "selector1" ]
	}
	object Host "sw-core-01.aarhus.dk" {
		import "baseline-municipality"
		check_command = "dummy"
		address = "192.0.2.20"
		vars.snmp = true
	}
	EOF
	printf 'const PluginDir = "%s"\ninclude <itl>\ninclude <plugins>\ninclude "%s"\ninclude "zones.conf"\nobject ApiListener "api" { accept_config = true }\n' \
		"$ic/plugins" "$CONF" >"$dz/etc/icinga2.conf"
	zconsts=(-DConfigDir="$dz/etc" -DZonesDir="$dz/etc/zones.d" -DDataDir="$dz/lib" -DLogDir="$dz/log"
		-DCacheDir="$dz/cache" -DSpoolDir="$dz/spool" -DInitRunDir="$dz/run" -DRunAsUser="$user"
		-DRunAsGroup="$group" -DNodeName=master.cyber.example -DZoneName=master)
	out=$(icinga2 daemon -C -c "$dz/etc/icinga2.conf" "${zconsts[@]}" 2>&1)
	if echo "$out" | grep -q 'Instantiated 7 Services' && ! echo "$out" | grep -qE 'critical/|warning/'; then
		ok "the distributed example (zones, global templates, a satellite zone's apply rules) validates: 7 services, no warning"
	else
		nok "the distributed example (zones, global templates, a satellite zone's apply rules) validates: 7 services, no warning" \
			"$(echo "$out" | grep -E 'critical/|warning/|Services' | head -5)"
	fi
	ep=$(icinga2 object list --type Service --name 'web01.aarhus.dk!baseline-host' "${zconsts[@]}" 2>/dev/null |
		awk '/^  \* command_endpoint = / { print $4 } /^  \* zone = / { print $4 }' | tr -d '"' | tr '\n' ' ')
	check "the example's host check runs on the agent (command_endpoint), its object in the satellite zone" \
		"web01.aarhus.dk kommune-aarhus " "$ep"

	# The validation must be able to fail: a copy without its last brace.
	sed '$d' "$CONF" | sed '$d' >"$ic/broken.conf"
	sed "s#$CONF#$ic/broken.conf#" "$ic/etc/icinga2.conf" >"$ic/etc/broken.conf"
	if icinga2 daemon -C -c "$ic/etc/broken.conf" "${consts[@]}" >/dev/null 2>&1; then
		nok "icinga2 daemon -C rejects a broken copy (the validation can fail)"
	else
		ok "icinga2 daemon -C rejects a broken copy (the validation can fail)"
	fi

	# started directly, so that $! is the daemon itself (stopped by PID on exit)
	icinga2 daemon -c "$ic/etc/icinga2.conf" "${consts[@]}" >"$ic/daemon.log" 2>&1 &
	pids+=($!)
	check_argv() {	# what, check, host, expected argv
		local got
		got=$(argv_of "$ic" "$2" "$3")
		if [ "$(groups "$4")" = "$(groups "$got")" ] && [ "${got%% *}" = -H ]; then
			ok "$1"
		else
			nok "$1" "expected: $4" "actual:   $got"
		fi
	}
	# every baseline_* variable, as set on every-option.example
	shared="--evidence /var/lib/cyberbaseline/evidence.jsonl --host-name every-option.example --lang da --org every-option-kommune --max-output 4000 --perfdata-controls --tailoring /etc/cyberbaseline/tailoring.json --timeout-result critical --unreachable-result warning --waivers /etc/cyberbaseline/waivers.json -B /srv/baselines/dk-kommune.json -P udvidet -c 75: -t 15 -v -w 90:"
	check_argv "Icinga runs baseline_ssh with the defaults: -H address, --host-name, -t 20" \
		ssh defaults.example "-H 127.0.0.1 --host-name defaults.example -t 20"
	check_argv "Icinga passes address6 as -H when the host has no IPv4 address" \
		ssh v6only.example "-H ::1 --host-name v6only.example -t 20"
	check_argv "Icinga passes every baseline_* and baseline_ssh_* variable as its option (and no baseline_tls_*, baseline_snmp_*)" \
		ssh every-option.example "-H 127.0.0.2 -p 2222 $shared"
	check_argv "the example apply rule from the file's comment runs with its variables" \
		ssh linux.example \
		"-H 127.0.0.3 --evidence /var/lib/cyberbaseline/evidence-ssh.jsonl --host-name linux.example --waivers /etc/cyberbaseline/waivers.json -c 75: -t 20"
	check_argv "Icinga runs baseline_tls with the defaults: -H address, --host-name, -t 30" \
		tls defaults.example "-H 127.0.0.1 --host-name defaults.example -t 30"
	check_argv "Icinga passes address6 as -H to baseline_tls when the host has no IPv4 address" \
		tls v6only.example "-H ::1 --host-name v6only.example -t 30"
	check_argv "Icinga passes every baseline_* and baseline_tls_* variable as its option (and no baseline_ssh_*, baseline_snmp_*)" \
		tls every-option.example \
		"-H 127.0.0.2 -p 8443 --sni portal.every-option.example --starttls imap --ca-file /etc/cyberbaseline/internal-ca.pem $shared"
	check_argv "the example HTTPS apply rule runs baseline_tls with the host's name as --sni" \
		tls www.aarhus.dk \
		"-H 127.0.0.4 --sni www.aarhus.dk --evidence /var/lib/cyberbaseline/evidence-tls.jsonl --host-name www.aarhus.dk --waivers /etc/cyberbaseline/waivers.json -c 75: -t 30"
	check_argv "the example SMTP apply rule runs baseline_tls with -p 25 --starttls smtp" \
		tls mail.aarhus.dk \
		"-H 127.0.0.5 -p 25 --starttls smtp --sni mail.aarhus.dk --evidence /var/lib/cyberbaseline/evidence-tls.jsonl --host-name mail.aarhus.dk --waivers /etc/cyberbaseline/waivers.json -c 75: -t 30"
	check_argv "Icinga runs baseline_snmp with the defaults: -H address, --host-name, -t 10" \
		snmp defaults.example "-H 127.0.0.1 --host-name defaults.example -t 10"
	check_argv "Icinga passes address6 as -H to baseline_snmp when the host has no IPv4 address" \
		snmp v6only.example "-H ::1 --host-name v6only.example -t 10"
	check_argv "Icinga passes every baseline_* and baseline_snmp_* variable as its option (and no baseline_ssh_*, baseline_tls_*)" \
		snmp every-option.example \
		"-H 127.0.0.20 -p 1161 --credentials /etc/icinga2/cyberbaseline/snmp/every-option.example.conf --state-dir /var/lib/cyberbaseline/snmp-state $shared"
	check_argv "the example SNMP apply rule runs baseline_snmp with the host's own credentials file" \
		snmp sw-core-01.aarhus.dk \
		"-H 127.0.0.6 --credentials /etc/icinga2/cyberbaseline/snmp/sw-core-01.aarhus.dk.conf --evidence /var/lib/cyberbaseline/evidence-snmp.jsonl --host-name sw-core-01.aarhus.dk --waivers /etc/cyberbaseline/waivers.json -c 75: -t 10"
	check_argv_host() {	# what, host, expected argv (the host check has no -H)
		local got
		got=$(argv_of "$ic" host "$2")
		if [ -n "$got" ] && [ "$(groups "$3")" = "$(groups "$got")" ]; then
			ok "$1"
		else
			nok "$1" "expected: $3" "actual:   $got"
		fi
	}
	check_argv_host "Icinga runs baseline_host with the defaults: --host-name, -t 10 (no -H)" \
		defaults.example "--host-name defaults.example -t 10"
	check_argv_host "Icinga passes every baseline_* and baseline_host_* variable as its option (and no other check's)" \
		every-option.example "--root /srv/images/every-option $shared"
	check_argv_host "the example host apply rule runs baseline_host with its variables" \
		linux.example \
		"--evidence /var/lib/cyberbaseline/evidence-host.jsonl --host-name linux.example --waivers /etc/cyberbaseline/waivers.json -c 75: -t 10"
	check_argv_opt() {	# what, check, host, expected argv, its first option (order -2)
		local got
		got=$(argv_of "$ic" "$2" "$3")
		if [ -n "$got" ] && [ "$(groups "$4")" = "$(groups "$got")" ] && [ "${got%% *}" = "$5" ]; then
			ok "$1"
		else
			nok "$1" "expected: $4" "actual:   $got"
		fi
	}
	check_argv_opt "Icinga passes every baseline_* and baseline_mail_* variable as its option, the selectors each once" \
		mail every-option.example \
		"--domain every-option.example --dns-server 127.0.0.53:5353 --dkim-selector s1 --dkim-selector s2 --no-mail --ca-file /etc/cyberbaseline/mail-ca.pem --smtp-port 2525 --mta-sts-port 8443 $shared" \
		--domain
	check_argv_opt "the example mail apply rule runs baseline_mail for each of the host's domains" \
		mail aarhus.dk \
		"--domain aarhus.dk --evidence /var/lib/cyberbaseline/evidence-mail.jsonl --host-name aarhus.dk -t 20" --domain
	check_argv_opt "Icinga passes every baseline_* and baseline_web_* variable as its option" \
		web every-option.example \
		"--url https://portal.every-option.example/login --ca-file /etc/cyberbaseline/web-ca.pem --http-port 8080 $shared" \
		--url
	check_argv_opt "the example web apply rule runs baseline_web on https://HOST/" \
		web www.aarhus.dk \
		"--url https://www.aarhus.dk/ --evidence /var/lib/cyberbaseline/evidence-web.jsonl --host-name www.aarhus.dk -t 20" --url
	real_checks "the real checks parse every command line Icinga built" "$ic"
	grep -qiE 'critical/' "$ic/daemon.log" && grep -iE 'critical/' "$ic/daemon.log" | head -3 | sed 's/^/# /'
fi

# Every option common/opts.c shares must be offered by the CheckCommand
# (except --help, --version, the --hostname alias, and --output-format, which
# is not plugin output).
declare -A short=([host]=-H [port]=-p [timeout]=-t [verbose]=-v [baseline]=-B [profile]=-P
		  [warning]=-w [critical]=-c)
missing=()
for o in $(sed -n '/^static const struct option shared\[\]/,/^};/p' common/opts.c |
	   grep -oE '\{ "[a-z-]+"' | tr -d '{" '); do
	case $o in help | version | hostname | output-format) continue ;; esac
	flag=${short[$o]:---$o}
	grep -qE "^[[:space:]]+\"$flag\" = \\{" "$CONF" || missing+=("$flag")
done
if [ ${#missing[@]} -eq 0 ]; then
	ok "dist/icinga2/cyberbaseline.conf offers every shared option of common/opts.c"
else
	nok "dist/icinga2/cyberbaseline.conf offers every shared option of common/opts.c" \
		"missing: ${missing[*]}"
fi

# Every option of a check's own longopts must be an argument of its
# baseline_<check> object, taken from baseline_<check>_<option with - as _>:
# `value` for an option with an argument, `set_if` for a flag.
own_options() {	# check
	local c=$1 cmd o has attr want missing=() found=0
	cmd=$(sed -n "/^object CheckCommand \"baseline_$c\" {/,/^}/p" "$CONF")
	while read -r o has; do
		found=$((found + 1))
		attr=value
		[ "$has" = no_argument ] && attr=set_if
		want="$attr = \"\$baseline_${c}_${o//-/_}\$\""
		echo "$cmd" | sed -n "/^[[:space:]]*\"--$o\" = {/,/^[[:space:]]*}/p" |
			sed 's/^[[:space:]]*//' | grep -qxF "$want" || missing+=("--$o ($want)")
	done < <(sed -n '/static const struct option longopts\[\] = {/,/};/p' "checks/check_baseline_$c.c" |
		 sed -nE 's/^[[:space:]]*\{ "([a-z0-9-]+)", ([a-z_]+),.*/\1 \2/p')
	if [ "$found" -eq 0 ]; then
		nok "baseline_$c offers every option of checks/check_baseline_$c.c's longopts" \
			"no longopts found in checks/check_baseline_$c.c"
	elif [ ${#missing[@]} -eq 0 ]; then
		ok "baseline_$c offers every option of checks/check_baseline_$c.c's longopts ($found)"
	else
		nok "baseline_$c offers every option of checks/check_baseline_$c.c's longopts" \
			"missing: ${missing[*]}"
	fi
}
own_options tls
own_options snmp
own_options host
own_options mail
own_options web

# ---------------------------------------------------------------- Nagios 4
nagios_tests=10
if ! command -v nagios4 >/dev/null 2>&1; then
	for _ in $(seq 1 $nagios_tests); do skip "nagios4 not installed (Debian: nagios4-core)"; done
else
	ng=$dir/nagios
	mkdir -p "$ng/checkresults"
	stubs "$ng"
	echo "\$USER1\$=$ng/plugins" >"$ng/resource.cfg"
	cat >"$ng/nagios.cfg" <<-EOF
	log_file=$ng/nagios.log
	cfg_file=$CFG
	cfg_file=$ng/objects.cfg
	resource_file=$ng/resource.cfg
	object_cache_file=$ng/objects.cache
	precached_object_file=$ng/objects.precache
	status_file=$ng/status.dat
	state_retention_file=$ng/retention.dat
	retain_state_information=0
	temp_file=$ng/nagios.tmp
	temp_path=$ng
	lock_file=$ng/nagios.lock
	check_result_path=$ng/checkresults
	command_file=$ng/nagios.cmd
	query_socket=$ng/nagios.qh
	check_external_commands=1
	log_rotation_method=n
	nagios_user=$user
	nagios_group=$group
	enable_notifications=0
	execute_host_checks=0
	execute_service_checks=1
	EOF
	{
		cat <<-'EOF'
		define timeperiod {
			timeperiod_name	always
			alias		always
			monday		00:00-24:00
			tuesday		00:00-24:00
			wednesday	00:00-24:00
			thursday	00:00-24:00
			friday		00:00-24:00
			saturday	00:00-24:00
			sunday		00:00-24:00
		}
		define command {
			command_name	notify-none
			command_line	/bin/true
		}
		define contact {
			contact_name			nobody
			host_notifications_enabled	0
			service_notifications_enabled	0
			host_notification_period	always
			service_notification_period	always
			host_notification_options	n
			service_notification_options	n
			host_notification_commands	notify-none
			service_notification_commands	notify-none
		}
		define service {
			name			generic-service
			register		0
			max_check_attempts	1
			check_interval		60
			retry_interval		15
			check_period		always
			notification_period	always
			contacts		nobody
		}
		define hostgroup {
			hostgroup_name	linux-servers
			alias		Linux servers
		}
		define hostgroup {
			hostgroup_name	web-servers
			alias		Web servers
		}
		define hostgroup {
			hostgroup_name	mail-servers
			alias		Mail servers
		}
		define hostgroup {
			hostgroup_name	network-devices
			alias		Network devices
		}
		define command {
			command_name	check_nrpe
			command_line	$USER1$/check_nrpe -H $HOSTADDRESS$ -c $ARG1$
		}
		define host {
			use			test-host
			host_name		localhost
			address			127.0.0.1
		}
		define host {
			name			test-host
			register		0
			max_check_attempts	1
			check_period		always
			contacts		nobody
			notification_period	always
		}
		define host {
			use			test-host
			host_name		web01.aarhus.dk
			address			127.0.0.1
			hostgroups		linux-servers
		}
		define host {
			use			test-host
			host_name		www.aarhus.dk
			address			127.0.0.4
			hostgroups		web-servers
		}
		define host {
			use			test-host
			host_name		mail.aarhus.dk
			address			127.0.0.5
			hostgroups		mail-servers
		}
		define host {
			use			test-host
			host_name		kommune
			address			127.0.0.7
		}
		define host {
			use			test-host
			host_name		sw-core-01.aarhus.dk
			address			127.0.0.6
			hostgroups		network-devices
		}
		EOF
		# the examples from the file's own comments, as an operator would paste them
		example "$CFG" '^# define service' '# \{0,1\}'
	} >"$ng/objects.cfg"

	if out=$(nagios4 -v "$ng/nagios.cfg" 2>&1); then
		ok "nagios4 -v accepts dist/nagios/cyberbaseline.cfg and its example services"
	else
		nok "nagios4 -v accepts dist/nagios/cyberbaseline.cfg and its example services" \
			"$(echo "$out" | grep -iE 'error|warning' | head -5)"
	fi

	sed 's/^define command {/define command {\n\tbroken/' "$CFG" >"$ng/broken.cfg"
	sed "s#^cfg_file=$CFG#cfg_file=$ng/broken.cfg#" "$ng/nagios.cfg" >"$ng/broken-nagios.cfg"
	if nagios4 -v "$ng/broken-nagios.cfg" >/dev/null 2>&1; then
		nok "nagios4 -v rejects a broken copy (the validation can fail)"
	else
		ok "nagios4 -v rejects a broken copy (the validation can fail)"
	fi

	nagios4 "$ng/nagios.cfg" >"$ng/daemon.log" 2>&1 &
	pids+=($!)
	for _ in $(seq 1 100); do
		[ -p "$ng/nagios.cmd" ] && break
		sleep 0.1
	done
	now=$(date +%s)
	[ -p "$ng/nagios.cmd" ] &&
		printf '[%s] SCHEDULE_FORCED_SVC_CHECK;%s;%s\n' \
			"$now" web01.aarhus.dk "baseline-ssh;$now" \
			"$now" www.aarhus.dk "baseline-https;$now" \
			"$now" mail.aarhus.dk "baseline-smtp-starttls;$now" \
			"$now" sw-core-01.aarhus.dk "baseline-snmp;$now" \
			"$now" localhost "baseline-host;$now" \
			"$now" kommune "baseline-mail-kommune.dk;$now" \
			"$now" kommune "baseline-web-www;$now" >"$ng/nagios.cmd"
	check "Nagios runs the example service with -H, -p \$ARG1\$, --host-name and \$ARG2\$ split into options" \
		"-H 127.0.0.1 -p 22 --host-name web01.aarhus.dk --waivers /etc/cyberbaseline/waivers.json --evidence /var/lib/cyberbaseline/evidence-ssh.jsonl" \
		"$(argv_of "$ng" ssh web01.aarhus.dk)"
	check "Nagios runs the example HTTPS service: check_baseline_tls -p 443, \$HOSTNAME\$ in \$ARG2\$ as --sni" \
		"-H 127.0.0.4 -p 443 --host-name www.aarhus.dk --sni www.aarhus.dk -t 30 --waivers /etc/cyberbaseline/waivers.json --evidence /var/lib/cyberbaseline/evidence-tls.jsonl" \
		"$(argv_of "$ng" tls www.aarhus.dk)"
	check "Nagios runs the example SMTP service: check_baseline_tls -p 25 --starttls smtp" \
		"-H 127.0.0.5 -p 25 --host-name mail.aarhus.dk --starttls smtp --sni mail.aarhus.dk -t 30 --waivers /etc/cyberbaseline/waivers.json --evidence /var/lib/cyberbaseline/evidence-tls.jsonl" \
		"$(argv_of "$ng" tls mail.aarhus.dk)"
	check "Nagios runs the example SNMP service: check_baseline_snmp -p 161, the host's own --credentials file" \
		"-H 127.0.0.6 -p 161 --host-name sw-core-01.aarhus.dk --credentials /etc/nagios4/cyberbaseline/snmp/sw-core-01.aarhus.dk.conf --waivers /etc/cyberbaseline/waivers.json --evidence /var/lib/cyberbaseline/evidence-snmp.jsonl" \
		"$(argv_of "$ng" snmp sw-core-01.aarhus.dk)"
	check "Nagios runs the example host service on itself: check_baseline_host, --host-name, \$ARG1\$ split into options" \
		"--host-name localhost --waivers /etc/cyberbaseline/waivers.json --evidence /var/lib/cyberbaseline/evidence-host.jsonl" \
		"$(argv_of "$ng" host localhost)"
	check "Nagios runs the example mail service: check_baseline_mail -D \$ARG1\$, the domain as --host-name" \
		"-D kommune.dk --host-name kommune.dk -t 20 --dkim-selector selector1 --evidence /var/lib/cyberbaseline/evidence-mail.jsonl" \
		"$(argv_of "$ng" mail kommune.dk)"
	check "Nagios runs the example web service: check_baseline_web -u \$ARG1\$" \
		"-u https://www.kommune.dk/ --host-name kommune -t 20 --evidence /var/lib/cyberbaseline/evidence-web.jsonl" \
		"$(argv_of "$ng" web kommune)"
	real_checks "the real checks parse every command line Nagios built" "$ng"
fi

# ---------------------------------------------------------------- NRPE
# The host's NRPE command, as nrpe would run it (split on blanks, no shell),
# parses with the real check: the line ends at the missing baseline, not at
# an option.
nrpe=$ROOT/dist/nagios/nrpe-cyberbaseline.cfg
line=$(sed -n 's/^command\[baseline_host\]=//p' "$nrpe")
if [ -z "$line" ]; then
	nok "dist/nagios/nrpe-cyberbaseline.cfg defines command[baseline_host]"
elif [ ! -x build/rel/check_baseline_host ]; then
	skip "the NRPE command line parses (build/rel not built: make)"
else
	read -r -a argv <<<"$line"
	args=()
	for ((i = 1; i < ${#argv[@]}; i++)); do
		case ${argv[i]} in --evidence) i=$((i + 1)) ;; *) args+=("${argv[i]}") ;; esac
	done
	got=$(timeout 10 build/rel/check_baseline_host "${args[@]}" -B "$dir/missing.json" 2>&1 | head -n 1)
	check "the NRPE command line (${argv[0]##*/} ...) parses with the real check" \
		"BASELINE UNKNOWN - host web-01.kommune.example: cannot read baseline '$dir/missing.json': no such file or directory" \
		"$got"
fi

echo "1..$n"
