#!/usr/bin/env bash
# Every check under the real schedulers, against the loopback peers of
# scripts/peers.sh; every file in the temp dir $T, every daemon and peer
# stopped by PID.
#
# Targets: for each check a compliant and a non-compliant one (the hardened
# and weak sshd; the modern openssl s_server and the weak nginx; the hardened
# and weak snmpd, whose credentials files stay in $T, mode 600; the host
# fixture trees; good.test and bad.test behind nsd + unbound, the MTA-STS
# nginx and the SMTP peers; the good and bad nginx web sites), plus this
# machine itself for the host check. Each target's command line is first run
# directly (the reference: exit code, first line, long output, perfdata).
#
# Icinga 2 (a master and an agent, each `icinga2 daemon` with a private
# configuration: ITL, dist/icinga2/cyberbaseline.conf, PluginDir = $BUILD):
#   - the master has a host per target and the services baseline-<check>
#     from apply rules, configured only through the CheckCommands' baseline_*
#     custom variables; its API on 127.0.0.1 (a throw-away CA, a per-run
#     ApiUser password) forces every check once and returns each
#     last_check_result: the command line must be the reference's (any order),
#     state, exit_status, output (first line and long output) and the
#     performance_data array must equal the direct run's, and the state and
#     first line the expected ones;
#   - a GraphiteWriter sends to a python3 sink on 127.0.0.1, so Icinga's
#     perfdata parser runs: every label and value it parsed must be what the
#     plugin printed, no more, no less;
#   - the agent (its own directory, API port and certificate from the same
#     CA; zones master and cb-agent) runs baseline-host through
#     command_endpoint, on this machine and on the compliant tree; the result
#     must name the agent as its check_source;
#   - icinga2.log of both may hold no warning or critical line but the
#     canaries': malformed perfdata and a plugin exiting 42, which show that
#     the log would report ours.
# Nagios 4 (`nagios4` with a private nagios.cfg reading
# dist/nagios/cyberbaseline.cfg): the same targets as services, checks forced
# through the command file, results from status.dat: current_state,
# plugin_output (';' becomes ':'), long_plugin_output and performance_data as
# the direct run printed them; nagios.log without warnings but its canary's.
# No pass phrase of the SNMP credentials may appear in any result or log.
#
# As root with unshare(1), the whole test runs in a network namespace of its
# own, where lo is the only interface: no packet can leave the machine, and
# no port can clash with another test. Checks are forced once (check_interval
# 1h); every wait is bounded by WAIT. About 25 s on 2 cores (the ASan build:
# about 30 s, 45 s with both cores busy elsewhere). Each daemon's half is
# skipped (TAP "# SKIP") only when its binary is missing (Debian:
# icinga2-bin icinga2-common; nagios4-core). Prints TAP.
set -uo pipefail
if [ -z "${CB_SCHED_NETNS:-}" ] && [ "$(id -u)" -eq 0 ] && [ -x /usr/sbin/ip ] &&
	unshare -n true 2>/dev/null; then
	export CB_SCHED_NETNS=1
	# shellcheck disable=SC2016 # $0 is expanded by that sh
	exec unshare -n -- /bin/sh -c '/usr/sbin/ip link set lo up && exec bash "$0"' "$0"
fi
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
BUILD=${BUILD:-build/rel}
CHECK=$BUILD/check_baseline_ssh
# the date the host fixture trees are made for (host_tree in lib.sh); the
# daemons pass it on to the plugins they run
export CB_TODAY=2026-11-28

# shellcheck source=tests/integration/lib.sh
. tests/integration/lib.sh

for need in "$BUILD"/check_baseline_{tls,snmp,host,mail,web} /usr/sbin/snmpd /usr/sbin/nsd \
	/usr/sbin/unbound /usr/bin/ldns-signzone /usr/sbin/nginx /usr/bin/openssl; do
	if [ ! -x "$need" ]; then
		not_ok "prerequisite '$need' exists (scripts/install-deps)"
		echo "1..$n"
		exit 1
	fi
done

SCHED=$ROOT/tests/integration/schedulers.py
WAIT=60	# seconds, the bound of every wait below
user=$(id -un)
group=$(id -gn)
# MARK goes into the environment of the daemons, so of the plugins they run:
# plugins still running when a daemon has stopped are found by it.
MARK=CB_SCHEDULER_TEST=$T

if [ -n "${CB_SCHED_NETNS:-}" ]; then
	assert "a network namespace of its own: lo is the only interface" \
		[ "$(/usr/sbin/ip -o link show | awk -F': ' '{print $2}')" = lo ]
else
	echo "# not root or no unshare: loopback only by configuration, in the host's network namespace"
fi

# marked: the PIDs of the processes that carry MARK in their environment.
marked() {
	grep -lszxF "$MARK" /proc/[0-9]*/environ | cut -d/ -f3
}

# reap_marked: waits up to 5 s for the processes our daemons left (plugins,
# which run in sessions of their own; a daemon's worker whose parent died)
# to end, then stops them by PID: SIGTERM, and SIGKILL after 2 s.
reap_marked() {
	local _ left
	for _ in $(seq 50); do
		left=$(marked)
		[ -z "$left" ] && return 0
		sleep 0.1
	done
	echo "# still running after their daemon: $(echo "$left" | tr '\n' ' ')"
	# shellcheck disable=SC2086 # a list of PIDs
	kill $left 2>/dev/null
	for _ in $(seq 20); do
		left=$(marked)
		[ -z "$left" ] && return 0
		sleep 0.1
	done
	# shellcheck disable=SC2086
	kill -KILL $left 2>/dev/null
}

# stop_daemon PID...: SIGTERM to each, then waits for them (10 s at most,
# then SIGKILL), and for what they left (reap_marked); takes them off DAEMONS.
stop_daemon() {
	local _ pid d t0=$SECONDS keep=()
	for d in "${DAEMONS[@]}"; do
		case " $* " in *" $d "*) ;; *) keep+=("$d") ;; esac
	done
	DAEMONS=("${keep[@]}")
	[ $# -gt 0 ] || return 0
	kill "$@" 2>/dev/null
	for _ in $(seq 100); do
		kill -0 "$@" 2>/dev/null || break
		sleep 0.1
	done
	for pid in "$@"; do
		kill -0 "$pid" 2>/dev/null && echo "# PID $pid still running 10 s after SIGTERM: SIGKILL"
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	reap_marked
	echo "# stopped in $((SECONDS - t0)) s"
}

# On any exit, also an early one: the daemons still running, then the peers.
DAEMONS=()
trap 'stop_daemon "${DAEMONS[@]}"; cleanup' EXIT

# ---------------------------------------------------------------- the peers
start_ssh_peers
peer_tls_modern
started "modern TLS (openssl s_server)"
TLS_MODERN=$PORT
peer_nginx_weak
started "weak TLS (nginx)"
TLS_WEAK=$PORT
peer_snmp_hardened
started "hardened snmpd"
SNMP_HARDENED=$PORT
peer_snmp_weak
started "weak snmpd"
SNMP_WEAK=$PORT
start_mail_peers
peer_mail smtp nostarttls
started "SMTP without STARTTLS"
SMTP_PLAIN=$PORT
peer_web good
started "good web site"
WEB_GOOD=$PORT WEB_GOOD_HTTP=$HTTP_PORT
peer_web bad
started "bad web site"
WEB_BAD=$PORT WEB_BAD_HTTP=$HTTP_PORT

C=$(host_tree compliant)
N=$(host_tree noncompliant)
B=$ROOT/$BASELINE
CA=$T/pki/ca.pem
SNMP_STATE=$T/snmp-state	# SNMP-010's readings: never /var/lib here
mkdir -m 700 "$SNMP_STATE"
CRED_HARDENED=$T/snmp-hardened/credentials
CRED_WEAK=$T/snmp-weak/credentials
for f in "$CRED_HARDENED" "$CRED_WEAK"; do
	assert "credentials file $f: mode 600, in \$T" [ "$(stat -c %a "$f")" = 600 ]
done
# the hardened agent's pass phrases, random per run ("public", the weak
# agent's community, is a default every output names on purpose)
mapfile -t SECRETS < <(sed -n 's/^\(auth\|priv\)-passphrase = //p' "$CRED_HARDENED")

H002=$(ssh002_expected "$HPORT")
echo "# SSH-002 for this sshd's banner, by the baseline's table: $H002"
if [ "$H002" = PASS ]; then HRC=0 HSTATE=OK; else HRC=1 HSTATE=WARNING; fi

# ------------------------------------------------- the targets, run directly
# target KEY WHERE STATE PREFIX COMMAND PLUGIN ARGS...: the service KEY
# (host!service) on the daemons in WHERE (icinga: the master; agent: the
# agent through command_endpoint; nagios), expected to end in STATE (0-3, or
# "any": whatever the direct run says) with a first line starting PREFIX.
# PLUGIN ARGS is the command line the Icinga CheckCommand COMMAND must build
# from the custom variables below, any order; it is run here directly, as
# the reference every daemon's result is compared with. VOLATILE=1: the long
# output changes from run to run (this machine's processes), compare its tags.
SPEC=$T/targets.jsonl
: >"$SPEC"
mkdir "$T/ref"
ICINGA_KEYS=()
AGENT_KEYS=()
NAGIOS_KEYS=()
# direct: the reference run of target() (its locals) ended as expected.
direct() {
	[ "$state" = any ] || [ "$rc" -eq "$state" ] || { echo "# exit $rc"; return 1; }
	case "$(head -n 1 "$out")" in
	"$prefix"*) ;;
	*) echo "# first line: $(head -n 1 "$out")"; return 1 ;;
	esac
	[ ! -s "${out%.out}.err" ] || { diag "${out%.out}.err"; return 1; }
}
target() {
	local key=$1 where=$2 state=$3 prefix=$4 command=$5 out rc
	shift 5
	out=$T/ref/${key//!/_}.out
	timeout 60 "$@" >"$out" 2>"${out%.out}.err"
	rc=$?
	case " $where " in *" icinga "*) ICINGA_KEYS+=("$key") ;; esac
	case " $where " in *" agent "*) AGENT_KEYS+=("$key") ;; esac
	case " $where " in *" nagios "*) NAGIOS_KEYS+=("$key") ;; esac
	"$PY" -c '
import json, sys
key, where, state, prefix, command, out, rc, volatile = sys.argv[1:9]
print(json.dumps({"key": key, "state": None if state == "any" else int(state), "prefix": prefix,
                  "command": command, "argv": sys.argv[9:], "out": out, "rc": int(rc),
                  "volatile": volatile == "1",
                  "source": "cb-agent" if where == "agent" else "cb-master"}))
' "$key" "$where" "$state" "$prefix" "$command" "$out" "$rc" "${VOLATILE:-0}" "$@" >>"$SPEC"
	assert "direct run of $key: exit $state, first line '$prefix...', stderr empty" direct
}
P=$ROOT/$BUILD
CLI=$ROOT/$BUILD/cyberbaseline
target ssh-hardened!baseline-ssh "icinga nagios" "$HRC" "BASELINE $HSTATE - ssh 127.0.0.1:$HPORT: " \
	baseline_ssh "$P/check_baseline_ssh" -H 127.0.0.1 -p "$HPORT" -B "$B" -t 20 --host-name ssh-hardened
target ssh-weak!baseline-ssh "icinga nagios" 2 "BASELINE CRITICAL - ssh 127.0.0.1:$WPORT: " \
	baseline_ssh "$P/check_baseline_ssh" -H 127.0.0.1 -p "$WPORT" -B "$B" -t 20 --host-name ssh-weak \
	--perfdata-controls
target tls-modern!baseline-tls "icinga nagios" 0 \
	"BASELINE OK - tls 127.0.0.1:$TLS_MODERN: 8 of 8 controls passed (1 not applicable)" \
	baseline_tls "$P/check_baseline_tls" -H 127.0.0.1 -p "$TLS_MODERN" --sni localhost --ca-file "$CA" \
	-B "$B" -t 30 --host-name tls-modern
target tls-weak!baseline-tls "icinga nagios" 2 \
	"BASELINE CRITICAL - tls 127.0.0.1:$TLS_WEAK: 5 of 8 controls failed (5 critical, 0 warning): TLS-001 " \
	baseline_tls "$P/check_baseline_tls" -H 127.0.0.1 -p "$TLS_WEAK" --sni localhost \
	--ca-file "$T/pki/weak-ca.pem" -B "$B" -t 30 --host-name tls-weak --perfdata-controls
# net-snmp has no NTP-MIB: SNMP-007 is not evaluated, so the hardened agent is UNKNOWN
target sw-core-01!baseline-snmp "icinga nagios" 3 \
	"BASELINE UNKNOWN - snmp 127.0.0.1:$SNMP_HARDENED: 1 of 6 controls not evaluated: SNMP-007 " \
	baseline_snmp "$P/check_baseline_snmp" -H 127.0.0.1 -p "$SNMP_HARDENED" --credentials "$CRED_HARDENED" \
	--state-dir "$SNMP_STATE" -B "$B" -t 10 --host-name sw-core-01
target snmp-weak!baseline-snmp "icinga nagios" 2 \
	"BASELINE CRITICAL - snmp 127.0.0.1:$SNMP_WEAK: 4 of 6 controls failed (3 critical, 1 warning), 2 not evaluated: SNMP-001 " \
	baseline_snmp "$P/check_baseline_snmp" -H 127.0.0.1 -p "$SNMP_WEAK" --credentials "$CRED_WEAK" \
	--state-dir "$SNMP_STATE" -B "$B" -t 10 --host-name snmp-weak --perfdata-controls
target host-compliant!baseline-host "icinga nagios" 0 \
	"BASELINE OK - host host-compliant ($C): 24 of 24 controls passed" \
	baseline_host "$P/check_baseline_host" --root "$C" -B "$B" -t 10 --host-name host-compliant
target host-noncompliant!baseline-host "icinga nagios" 2 \
	"BASELINE CRITICAL - host host-noncompliant ($N): 23 of 24 controls failed (13 critical, 10 warning): BAK-001 " \
	baseline_host "$P/check_baseline_host" --root "$N" -B "$B" -t 10 --host-name host-noncompliant \
	--perfdata-controls
target mail-good!baseline-mail "icinga nagios" 0 \
	"BASELINE OK - mail good.test: 6 of 6 controls passed (1 not applicable)" \
	baseline_mail "$P/check_baseline_mail" --domain good.test --dns-server "127.0.0.1:$DNS" \
	--smtp-port "$SMTP" --mta-sts-port "$STS" --ca-file "$CA" --dkim-selector s1 -B "$B" -t 20 \
	--host-name good.test
target mail-bad!baseline-mail "icinga nagios" 2 \
	"BASELINE CRITICAL - mail bad.test: 5 of 6 controls failed (3 critical, 2 warning): DNS-001 " \
	baseline_mail "$P/check_baseline_mail" --domain bad.test --dns-server "127.0.0.1:$DNS" \
	--smtp-port "$SMTP_PLAIN" --mta-sts-port "$STS" --ca-file "$CA" -B "$B" -t 20 --host-name bad.test \
	--perfdata-controls
target web-good!baseline-web "icinga nagios" 0 "BASELINE OK - web localhost: 4 of 4 controls passed" \
	baseline_web "$P/check_baseline_web" --url "https://localhost:$WEB_GOOD/" --http-port "$WEB_GOOD_HTTP" \
	--ca-file "$CA" -B "$B" -t 20 --host-name web-good
target web-bad!baseline-web "icinga nagios" 2 \
	"BASELINE CRITICAL - web localhost: 4 of 4 controls failed (1 critical, 3 warning): HTTP-001 " \
	baseline_web "$P/check_baseline_web" --url "https://localhost:$WEB_BAD/" --http-port "$WEB_BAD_HTTP" \
	--ca-file "$CA" -B "$B" -t 20 --host-name web-bad --perfdata-controls
# the host check where it belongs, on the agent: this machine, and the compliant tree
VOLATILE=1 target cb-agent!baseline-host agent any "BASELINE " \
	baseline_host "$P/check_baseline_host" -B "$B" -t 10 --host-name cb-agent
target cb-agent!baseline-host-image agent 0 "BASELINE OK - host cb-agent ($C): 24 of 24 controls passed" \
	baseline_host "$P/check_baseline_host" --root "$C" -B "$B" -t 10 --host-name cb-agent
# and on the Nagios server itself
VOLATILE=1 target localhost!baseline-host nagios any "BASELINE " \
	baseline_host "$P/check_baseline_host" -B "$B" --host-name localhost

# ---------------------------------------------------------------- Icinga 2
# icinga_node DIR NODE ZONE: the directories of an instance under DIR, its
# certificate for NODE from the run's CA ($T/icinga-ca), and in CONSTS the
# constants that keep every path of it under DIR.
icinga_node() {
	local d=$1 node=$2
	mkdir -p "$d"/{etc,lib/certs,log,cache,spool,run}
	CONSTS=(-DConfigDir="$d/etc" -DDataDir="$d/lib" -DLogDir="$d/log" -DCacheDir="$d/cache"
		-DSpoolDir="$d/spool" -DInitRunDir="$d/run" -DRunAsUser="$user" -DRunAsGroup="$group"
		-DNodeName="$node" -DZoneName="$3")
	(
		cd "$d/lib/certs" &&
			openssl req -newkey rsa:2048 -nodes -subj "/CN=$node" -keyout "$node.key" -out "$node.csr" &&
			openssl x509 -req -days 1 -in "$node.csr" -CA "$T/icinga-ca/ca.crt" \
				-CAkey "$T/icinga-ca/ca.key" -CAcreateserial -out "$node.crt" &&
			cp "$T/icinga-ca/ca.crt" ca.crt
	) >"$d/openssl.log" 2>&1
}

# icinga_validate WHAT DIR: `icinga2 daemon -C` accepts DIR's configuration.
icinga_validate() {
	local out
	if out=$(icinga2 daemon -C -c "$2/etc/icinga2.conf" "${CONSTS[@]}" 2>&1); then
		ok "icinga2 daemon -C accepts the $1's configuration"
	else
		not_ok "icinga2 daemon -C accepts the $1's configuration"
		echo "$out" | grep -iE 'critical|error' | head -5 | sed 's/^/# /'
		return 1
	fi
}

# seen FILE ERE [N]: until FILE has more than N lines (default 0) matching
# ERE; bounded by WAIT.
seen() {
	local _
	for _ in $(seq $((WAIT * 10))); do
		[ "$(grep -cE "$2" "$1" 2>/dev/null || true)" -gt "${3:-0}" ] 2>/dev/null && return 0
		sleep 0.1
	done
	echo "# not more than ${3:-0} lines match '$2' in $1 after ${WAIT}s"
	return 1
}

# log_clean WHAT LOG: LOG has no warning or critical line but the canaries'.
log_clean() {
	local lines
	lines=$(grep -E '\] (warning|critical)/' "$2" | grep -vE "'canary(!canary-exit)?'")
	if [ -z "$lines" ]; then
		ok "$1: no warning or critical line (perfdata, plugins, API) but the canaries'"
	else
		not_ok "$1: no warning or critical line (perfdata, plugins, API) but the canaries'"
		echo "$lines" | head -10 | sed 's/^/# /'
	fi
}

icinga() {
	local ic=$T/icinga2 ag=$T/icinga2-agent api_port agent_port sink_port pw pid agent_pid=""
	local master_consts agent_consts r=$T/icinga-results.json key m canary
	mkdir -p "$T/icinga-ca"
	if ! (cd "$T/icinga-ca" && openssl req -x509 -newkey rsa:2048 -nodes -days 1 \
		-subj /CN=cb-test-ca -keyout ca.key -out ca.crt) >"$T/icinga-ca/openssl.log" 2>&1 ||
		! icinga_node "$ag" cb-agent cb-agent; then
		not_ok "a throw-away CA and certificates for Icinga's API (openssl)"
		diag "$T/icinga-ca/openssl.log" "$ag/openssl.log"
		return
	fi
	agent_consts=("${CONSTS[@]}")
	if ! icinga_node "$ic" cb-master master; then
		not_ok "a certificate for the master (openssl)"
		diag "$ic/openssl.log"
		return
	fi
	master_consts=("${CONSTS[@]}")
	pw=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
	api_port=$(free_port)
	agent_port=$(free_port)

	# the Graphite sink: records every byte it receives
	sink_port=$(free_port)
	cat >"$T/sink.py" <<-'EOF'
	import socket, sys, threading
	out = open(sys.argv[1], "ab", buffering=0)
	s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
	s.bind(("127.0.0.1", int(sys.argv[2])))
	s.listen(4)
	def serve(c):
	    while True:
	        b = c.recv(65536)
	        if not b:
	            break
	        out.write(b)
	while True:
	    c, _ = s.accept()
	    threading.Thread(target=serve, args=(c,), daemon=True).start()
	EOF
	: >"$T/graphite.txt"
	"$PY" "$T/sink.py" "$T/graphite.txt" "$sink_port" 2>"$T/sink.log" &
	PIDS+=("$!")
	if ! wait_port 127.0.0.1 "$sink_port"; then
		not_ok "the Graphite sink listens on 127.0.0.1:$sink_port"
		diag "$T/sink.log"
		return
	fi

	# The agent: the same CheckCommands, no checker of its own; it runs what
	# its parent zone's endpoint sends, and takes its config (as `icinga2 node
	# setup` makes an agent: accept_commands and accept_config).
	cat >"$ag/etc/icinga2.conf" <<-EOF
	include <itl>
	include <plugins>
	include "$ROOT/dist/icinga2/cyberbaseline.conf"
	const PluginDir = "$P"

	object FileLogger "main-log" {
		severity = "information"
		path = LogDir + "/icinga2.log"
	}
	object Endpoint "cb-master" { }
	object Zone "master" { endpoints = [ "cb-master" ] }
	object Endpoint NodeName { }
	object Zone ZoneName {
		endpoints = [ NodeName ]
		parent = "master"
	}
	object ApiListener "api" {
		bind_host = "127.0.0.1"
		bind_port = $agent_port
		accept_commands = true
		accept_config = true
	}
	EOF

	cat >"$ic/etc/icinga2.conf" <<-EOF
	include <itl>
	include <plugins>
	include "$ROOT/dist/icinga2/cyberbaseline.conf"
	const PluginDir = "$P"

	object FileLogger "main-log" {
		severity = "information"
		path = LogDir + "/icinga2.log"
	}
	object CheckerComponent "checker" { }
	object Endpoint NodeName { }
	object Zone ZoneName { endpoints = [ NodeName ] }
	object Endpoint "cb-agent" {
		host = "127.0.0.1"
		port = $agent_port
	}
	object Zone "cb-agent" {
		endpoints = [ "cb-agent" ]
		parent = ZoneName
	}
	object ApiListener "api" {
		bind_host = "127.0.0.1"
		bind_port = $api_port
	}
	object ApiUser "test" {
		password = "$pw"
		permissions = [ "*" ]
	}
	object GraphiteWriter "graphite" {
		host = "127.0.0.1"
		port = $sink_port
	}

	template Host "loopback" {
		check_command = "dummy"
		check_interval = 1h
		address = "127.0.0.1"
	}
	template Service "baseline-test" {
		max_check_attempts = 1
		check_interval = 1h
		retry_interval = 1h
		vars.baseline_file = "$B"
	}

	object Host "ssh-hardened" {
		import "loopback"
		vars.baseline_check = "ssh"
		vars.baseline_ssh_port = $HPORT
	}
	object Host "ssh-weak" {
		import "loopback"
		vars.baseline_check = "ssh"
		vars.baseline_ssh_port = $WPORT
		vars.baseline_perfdata_controls = true
	}
	object Host "tls-modern" {
		import "loopback"
		vars.baseline_check = "tls"
		vars.baseline_tls_port = $TLS_MODERN
		vars.baseline_tls_sni = "localhost"
		vars.baseline_tls_ca_file = "$CA"
	}
	object Host "tls-weak" {
		import "loopback"
		vars.baseline_check = "tls"
		vars.baseline_tls_port = $TLS_WEAK
		vars.baseline_tls_sni = "localhost"
		vars.baseline_tls_ca_file = "$T/pki/weak-ca.pem"
		vars.baseline_perfdata_controls = true
	}
	object Host "sw-core-01" {
		import "loopback"
		vars.baseline_check = "snmp"
		vars.baseline_snmp_port = $SNMP_HARDENED
		vars.baseline_snmp_credentials = "$CRED_HARDENED"
		vars.baseline_snmp_state_dir = "$SNMP_STATE"
	}
	object Host "snmp-weak" {
		import "loopback"
		vars.baseline_check = "snmp"
		vars.baseline_snmp_port = $SNMP_WEAK
		vars.baseline_snmp_credentials = "$CRED_WEAK"
		vars.baseline_snmp_state_dir = "$SNMP_STATE"
		vars.baseline_perfdata_controls = true
	}
	object Host "host-compliant" {
		import "loopback"
		vars.baseline_check = "host"
		vars.baseline_host_root = "$C"
	}
	object Host "host-noncompliant" {
		import "loopback"
		vars.baseline_check = "host"
		vars.baseline_host_root = "$N"
		vars.baseline_perfdata_controls = true
	}
	/* a host that stands for a mail domain; the domain is also its identity */
	object Host "mail-good" {
		import "loopback"
		vars.baseline_check = "mail"
		vars.baseline_mail_domain = "good.test"
		vars.baseline_host_name = "good.test"
		vars.baseline_mail_dns_server = "127.0.0.1:$DNS"
		vars.baseline_mail_dkim_selector = [ "s1" ]
		vars.baseline_mail_ca_file = "$CA"
		vars.baseline_mail_smtp_port = $SMTP
		vars.baseline_mail_mta_sts_port = $STS
	}
	object Host "mail-bad" {
		import "loopback"
		vars.baseline_check = "mail"
		vars.baseline_mail_domain = "bad.test"
		vars.baseline_host_name = "bad.test"
		vars.baseline_mail_dns_server = "127.0.0.1:$DNS"
		vars.baseline_mail_ca_file = "$CA"
		vars.baseline_mail_smtp_port = $SMTP_PLAIN
		vars.baseline_mail_mta_sts_port = $STS
		vars.baseline_perfdata_controls = true
	}
	object Host "web-good" {
		import "loopback"
		vars.baseline_check = "web"
		vars.baseline_web_url = "https://localhost:$WEB_GOOD/"
		vars.baseline_web_ca_file = "$CA"
		vars.baseline_web_http_port = $WEB_GOOD_HTTP
	}
	object Host "web-bad" {
		import "loopback"
		vars.baseline_check = "web"
		vars.baseline_web_url = "https://localhost:$WEB_BAD/"
		vars.baseline_web_ca_file = "$CA"
		vars.baseline_web_http_port = $WEB_BAD_HTTP
		vars.baseline_perfdata_controls = true
	}
	object Host "cb-agent" {
		import "loopback"
		vars.agent_endpoint = true
	}

	apply Service "baseline-ssh" {
		import "baseline-test"
		check_command = "baseline_ssh"
		assign where host.vars.baseline_check == "ssh"
	}
	apply Service "baseline-tls" {
		import "baseline-test"
		check_command = "baseline_tls"
		assign where host.vars.baseline_check == "tls"
	}
	apply Service "baseline-snmp" {
		import "baseline-test"
		check_command = "baseline_snmp"
		assign where host.vars.baseline_check == "snmp"
	}
	apply Service "baseline-host" {
		import "baseline-test"
		check_command = "baseline_host"
		assign where host.vars.baseline_check == "host"
	}
	apply Service "baseline-mail" {
		import "baseline-test"
		check_command = "baseline_mail"
		assign where host.vars.baseline_check == "mail"
	}
	apply Service "baseline-web" {
		import "baseline-test"
		check_command = "baseline_web"
		assign where host.vars.baseline_check == "web"
	}
	/* as in dist/icinga2/cyberbaseline.conf: the host check on the host's own agent */
	apply Service "baseline-host" {
		import "baseline-test"
		check_command = "baseline_host"
		zone = ZoneName	/* as if in zones.d/master/: command_endpoint needs a zone */
		command_endpoint = host.name
		assign where host.vars.agent_endpoint
	}
	apply Service "baseline-host-image" {
		import "baseline-test"
		check_command = "baseline_host"
		zone = ZoneName
		command_endpoint = host.name
		vars.baseline_host_root = "$C"
		assign where host.vars.agent_endpoint
	}

	/* canaries: malformed perfdata and a plugin exiting 42, which icinga2.log must report */
	object Host "canary" {
		check_command = "dummy"
		check_interval = 2s
		vars.dummy_text = "canary|canary_bad=abc"
	}
	object CheckCommand "canary-exit" {
		command = [ "/bin/sh", "-c", "echo canary; exit 42" ]
	}
	object Service "canary-exit" {
		host_name = "canary"
		check_command = "canary-exit"
		check_interval = 2s
		retry_interval = 2s
	}
	EOF

	CONSTS=("${agent_consts[@]}")
	icinga_validate agent "$ag" || return
	CONSTS=("${master_consts[@]}")
	icinga_validate master "$ic" || return

	env "$MARK" icinga2 daemon -c "$ag/etc/icinga2.conf" "${agent_consts[@]}" >"$ag/daemon.log" 2>&1 &
	agent_pid=$!
	DAEMONS+=("$agent_pid")
	if ! wait_port 127.0.0.1 "$agent_port" "$WAIT"; then
		not_ok "the agent's API listens on 127.0.0.1:$agent_port"
		diag "$ag/daemon.log"
		stop_daemon "$agent_pid"
		return
	fi
	env "$MARK" icinga2 daemon -c "$ic/etc/icinga2.conf" "${master_consts[@]}" >"$ic/daemon.log" 2>&1 &
	pid=$!
	DAEMONS+=("$pid")

	# Check results that arrive before the GraphiteWriter has resumed (its HA
	# start, after the API's) never reach the sink: wait for its connection.
	assert "the master's GraphiteWriter is connected to the sink" \
		seen "$ic/log/icinga2.log" "information/GraphiteWriter: Finished reconnecting to Graphite"

	# force every check once the API answers and the agent is connected; wait
	# for a result of each service begun after that
	CB_API_PW=$pw "$PY" "$SCHED" icinga-collect "$api_port" "$ic/lib/certs/ca.crt" "$WAIT" "$r" \
		--endpoint cb-agent "${ICINGA_KEYS[@]}" "${AGENT_KEYS[@]}"
	assert "Icinga ran all ${#ICINGA_KEYS[@]} services and the agent's ${#AGENT_KEYS[@]} (forced, within ${WAIT}s)" \
		[ $? -eq 0 ]

	for key in "${ICINGA_KEYS[@]}" "${AGENT_KEYS[@]}"; do
		assert "Icinga, $key: the command line built from the baseline_* variables" \
			"$PY" "$SCHED" icinga "$SPEC" "$r" "$key" argv
		assert "Icinga, $key: state, exit_status, output and performance_data as run directly" \
			"$PY" "$SCHED" icinga "$SPEC" "$r" "$key" result
	done
	for key in "${AGENT_KEYS[@]}"; do
		assert "Icinga, $key: run by the agent (check_source cb-agent, through command_endpoint)" \
			"$PY" "$SCHED" icinga "$SPEC" "$r" "$key" source
	done

	assert "Graphite sink received every perfdata label of every service (within ${WAIT}s)" \
		"$PY" "$SCHED" graphite-wait "$SPEC" "$T/graphite.txt" "$WAIT" "${ICINGA_KEYS[@]}" "${AGENT_KEYS[@]}"
	for key in "${ICINGA_KEYS[@]}" "${AGENT_KEYS[@]}"; do
		assert "Graphite, $key: every label and value Icinga parsed is what the plugin printed" \
			"$PY" "$SCHED" graphite "$SPEC" "$T/graphite.txt" "$key"
	done

	# The canaries' warnings, logged again after our metrics reached the sink:
	# the detection works, and the log holds every line written before.
	m="Ignoring (invalid|unsupported) perfdata.*'canary'"
	canary=$(grep -cE "$m" "$ic/log/icinga2.log")
	assert "icinga2.log reports the canary's malformed perfdata (the next test can fail)" \
		seen "$ic/log/icinga2.log" "$m" "$canary"
	assert "icinga2.log reports the canary plugin's exit code 42 (the next test can fail)" \
		seen "$ic/log/icinga2.log" "warning/PluginCheckTask: .*'canary!canary-exit'.*exit code 42"
	log_clean "the master's icinga2.log" "$ic/log/icinga2.log"
	# (the agent logs the master's going away as a warning: what came before)
	cp "$ag/log/icinga2.log" "$ag/log/icinga2.log.running"
	log_clean "the agent's icinga2.log" "$ag/log/icinga2.log.running"

	stop_daemon "$pid" "$agent_pid"
	assert "no pass phrase of the SNMP credentials in Icinga's results, logs or metrics" \
		"$PY" "$SCHED" absent "$r" "$ic/log/icinga2.log" "$ag/log/icinga2.log" "$T/graphite.txt" \
		"$ic/daemon.log" "$ag/daemon.log" -- "${SECRETS[@]}"
}

if ! command -v icinga2 >/dev/null 2>&1 || [ ! -e /usr/share/icinga2/include/itl ]; then
	skip "icinga2 not installed (Debian: icinga2-bin icinga2-common)"
else
	icinga
fi

# ---------------------------------------------------------------- Nagios 4
nagios() {
	local ng=$T/nagios pid now key r=$T/nagios-results.json
	mkdir -p "$ng/checkresults"
	echo "\$USER1\$=$P" >"$ng/resource.cfg"
	printf '#!/bin/sh\necho canary\nexit 42\n' >"$ng/canary.sh"
	chmod 755 "$ng/canary.sh"
	cat >"$ng/nagios.cfg" <<-EOF
	log_file=$ng/nagios.log
	cfg_file=$ROOT/dist/nagios/cyberbaseline.cfg
	cfg_file=$ng/objects.cfg
	resource_file=$ng/resource.cfg
	object_cache_file=$ng/objects.cache
	precached_object_file=$ng/objects.precache
	status_file=$ng/status.dat
	status_update_interval=1
	state_retention_file=$ng/retention.dat
	retain_state_information=0
	temp_file=$ng/nagios.tmp
	temp_path=$ng
	lock_file=$ng/nagios.lock
	check_result_path=$ng/checkresults
	check_result_reaper_frequency=1
	command_file=$ng/nagios.cmd
	query_socket=$ng/nagios.qh
	check_external_commands=1
	log_rotation_method=n
	nagios_user=$user
	nagios_group=$group
	enable_notifications=0
	execute_host_checks=0
	execute_service_checks=1
	check_for_updates=0
	illegal_macro_output_chars=\`~\$&|'"<>
	EOF
	# the perfdata file of dist/nagios/perfdata.cfg, its template as shipped
	grep -E '^(process_performance_data|service_perfdata_file_template|service_perfdata_file_mode)=' \
		"$ROOT/dist/nagios/perfdata.cfg" >>"$ng/nagios.cfg"
	echo "service_perfdata_file=$ng/perfdata" >>"$ng/nagios.cfg"
	cat >"$ng/objects.cfg" <<-EOF
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
	define command {
		command_name	canary-exit
		command_line	$ng/canary.sh
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
	define host {
		name			loopback
		register		0
		address			127.0.0.1
		max_check_attempts	1
		check_period		always
		contacts		nobody
		notification_period	always
	}
	define service {
		name			baseline-test
		register		0
		max_check_attempts	1
		check_interval		60
		retry_interval		60
		check_period		always
		notification_period	always
		contacts		nobody
		notification_interval	0
	}
	EOF
	# host name, service, check_command: one service each
	while read -r h s c; do
		printf 'define host {\n\tuse\tloopback\n\thost_name\t%s\n}\n' "$h"
		printf 'define service {\n\tuse\tbaseline-test\n\thost_name\t%s\n\tservice_description\t%s\n\tcheck_command\t%s\n}\n' \
			"$h" "$s" "$c"
	done >>"$ng/objects.cfg" <<-EOF
	ssh-hardened baseline-ssh check_baseline_ssh!$HPORT!-B $B
	ssh-weak baseline-ssh check_baseline_ssh!$WPORT!-B $B --perfdata-controls
	tls-modern baseline-tls check_baseline_tls!$TLS_MODERN!--sni localhost --ca-file $CA -B $B
	tls-weak baseline-tls check_baseline_tls!$TLS_WEAK!--sni localhost --ca-file $T/pki/weak-ca.pem -B $B --perfdata-controls
	sw-core-01 baseline-snmp check_baseline_snmp!$SNMP_HARDENED!--credentials $CRED_HARDENED --state-dir $SNMP_STATE -B $B
	snmp-weak baseline-snmp check_baseline_snmp!$SNMP_WEAK!--credentials $CRED_WEAK --state-dir $SNMP_STATE -B $B --perfdata-controls
	host-compliant baseline-host check_baseline_host!--root $C -B $B
	host-noncompliant baseline-host check_baseline_host!--root $N -B $B --perfdata-controls
	mail-good baseline-mail check_baseline_mail!good.test!--dns-server 127.0.0.1:$DNS --smtp-port $SMTP --mta-sts-port $STS --ca-file $CA --dkim-selector s1 -B $B
	mail-bad baseline-mail check_baseline_mail!bad.test!--dns-server 127.0.0.1:$DNS --smtp-port $SMTP_PLAIN --mta-sts-port $STS --ca-file $CA -B $B --perfdata-controls
	web-good baseline-web check_baseline_web!https://localhost:$WEB_GOOD/!--http-port $WEB_GOOD_HTTP --ca-file $CA -B $B
	web-bad baseline-web check_baseline_web!https://localhost:$WEB_BAD/!--http-port $WEB_BAD_HTTP --ca-file $CA -B $B --perfdata-controls
	localhost baseline-host check_baseline_host!-B $B
	canary canary-exit canary-exit
	EOF

	if out=$(nagios4 -v "$ng/nagios.cfg" 2>&1); then
		ok "nagios4 -v accepts the configuration"
	else
		not_ok "nagios4 -v accepts the configuration"
		echo "$out" | grep -iE 'error|warning' | head -5 | sed 's/^/# /'
		return
	fi

	env "$MARK" nagios4 "$ng/nagios.cfg" >"$ng/daemon.log" 2>&1 &
	pid=$!
	DAEMONS+=("$pid")
	for _ in $(seq $((WAIT * 10))); do
		[ -p "$ng/nagios.cmd" ] && break
		sleep 0.1
	done
	now=$(date +%s)
	if [ -p "$ng/nagios.cmd" ]; then
		for key in "${NAGIOS_KEYS[@]}" canary!canary-exit; do
			printf '[%s] SCHEDULE_FORCED_SVC_CHECK;%s;%s;%s\n' "$now" "${key%!*}" "${key#*!}" "$now"
		done >"$ng/nagios.cmd"
	fi

	"$PY" "$SCHED" nagios-collect "$ng/status.dat" "$now" "$WAIT" "$r" "${NAGIOS_KEYS[@]}" canary!canary-exit
	assert "Nagios ran all ${#NAGIOS_KEYS[@]} services (forced through the command file, within ${WAIT}s)" \
		[ $? -eq 0 ]
	for key in "${NAGIOS_KEYS[@]}"; do
		assert "Nagios, $key: current_state, plugin_output, long_plugin_output and performance_data as run directly" \
			"$PY" "$SCHED" nagios "$SPEC" "$r" "$key"
	done

	assert "no pass phrase of the SNMP credentials in status.dat, nagios.log or the results" \
		"$PY" "$SCHED" absent "$ng/status.dat" "$ng/nagios.log" "$r" -- "${SECRETS[@]}"
	stop_daemon "$pid"
	# the perfdata file back into a history store: every control's result and state as the
	# direct run's perfdata codes say, for the targets that print them
	"$CLI" history ingest --perfdata --db "$T/nagios-perf.db" "$ng/perfdata" >"$T/nperf.out" 2>"$T/nperf.err"
	assert "history ingest --perfdata reads Nagios' service_perfdata_file (exit $?)" \
		grep -qE ': [0-9]+ lines? read, [1-9][0-9]* runs? stored, 0 already stored, 0 refused, [1-9][0-9]* of other checks$' "$T/nperf.out"
	diag "$T/nperf.out" "$T/nperf.err"
	"$CLI" report status --db "$T/nagios-perf.db" --format json >"$T/nperf.json" 2>&1
	assert "Nagios' perfdata gives every control's result and state as the direct run's codes" \
		"$PY" "$SCHED" perfdata-store "$SPEC" "$T/nperf.json" "${NAGIOS_KEYS[@]}"
	assert "nagios.log reports the canary's exit code 42 (the next test can fail)" \
		grep -qE "^\[[0-9]+\] Warning: Return code of 42 for check of service 'canary-exit' on host 'canary'" \
		"$ng/nagios.log"
	if grep -E '^\[[0-9]+\] (Warning|Error)' "$ng/nagios.log" | grep -v "host 'canary'" | sed 's/^/# /' | grep .; then
		not_ok "nagios.log: no warning or error but the canary's"
	else
		ok "nagios.log: no warning or error but the canary's"
	fi
}

if ! command -v nagios4 >/dev/null 2>&1; then
	skip "nagios4 not installed (Debian: nagios4-core)"
else
	nagios
fi

echo "1..$n"
[ "$failed" -eq 0 ]
