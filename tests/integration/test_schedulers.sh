#!/usr/bin/env bash
# The real schedulers run the real check against the real sshd peers, loopback
# only, every file in the temp dir $T:
#
# Icinga 2: a private configuration (ITL, dist/icinga2/cyberbaseline.conf,
# PluginDir = $BUILD) with the hosts ssh-hardened and ssh-weak, the service
# baseline-ssh on each, an API on 127.0.0.1 (throw-away CA, per-run password)
# to force the checks and read last_check_result, and a GraphiteWriter to a
# python3 sink on 127.0.0.1, so that Icinga's perfdata parser runs on our
# output. A canary host with malformed perfdata shows that icinga2.log would
# report ours if it were malformed.
# Nagios 4: a private nagios.cfg with dist/nagios/cyberbaseline.cfg and the
# same two services, checks forced through the command file, results read from
# status.dat.
#
# Each half is skipped (TAP "# SKIP") when its daemon is not installed (Debian:
# icinga2-bin icinga2-common; nagios4-core). Every daemon is stopped by PID.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
BUILD=${BUILD:-build/rel}
CHECK=$BUILD/check_baseline_ssh

# shellcheck source=tests/integration/lib.sh
. tests/integration/lib.sh

WAIT=60	# seconds, the bound of every wait below
user=$(id -un)
group=$(id -gn)
# MARK goes into the environment of the daemons, so of the plugins they run:
# plugins still running when a daemon has stopped are found by it.
MARK=CB_SCHEDULER_TEST=$T

# reap_plugins: waits up to 5 s for plugins started by our daemons to end,
# then stops those left by PID.
reap_plugins() {
	local _ pid left
	for _ in $(seq 50); do
		left=$(grep -lszxF "$MARK" /proc/[0-9]*/environ | cut -d/ -f3)
		[ -z "$left" ] && return 0
		sleep 0.1
	done
	for pid in $left; do kill "$pid" 2>/dev/null; done
}

# stop_daemon PID: SIGTERM, then wait for it (10 s at most, then SIGKILL).
stop_daemon() {
	local _
	kill "$1" 2>/dev/null
	for _ in $(seq 100); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	reap_plugins
}

start_ssh_peers
H002=$(ssh002_expected "$HPORT")
echo "# SSH-002 for this sshd's banner, by the baseline's table: $H002"
if [ "$H002" = PASS ]; then HRC=0 HSTATE=OK; else HRC=1 HSTATE=WARNING; fi
B=$ROOT/$BASELINE

# ---------------------------------------------------------------- Icinga 2
icinga() {
	local ic=$T/icinga2 node=cb-scheduler-test api_port sink_port pw pid consts
	local r=$T/icinga-results.json
	mkdir -p "$ic"/{etc,lib/certs,log,cache,spool,run}
	consts=(-DConfigDir="$ic/etc" -DDataDir="$ic/lib" -DLogDir="$ic/log"
		-DCacheDir="$ic/cache" -DSpoolDir="$ic/spool" -DInitRunDir="$ic/run"
		-DRunAsUser="$user" -DRunAsGroup="$group" -DNodeName="$node" -DZoneName="$node")

	# the API's certificate, from a CA made for this run
	(
		cd "$ic/lib/certs" &&
		openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=cb-test-ca \
			-keyout ca.key -out ca.crt &&
		openssl req -newkey rsa:2048 -nodes -subj "/CN=$node" -keyout $node.key -out $node.csr &&
		openssl x509 -req -days 1 -in $node.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
			-out $node.crt
	) >"$ic/openssl.log" 2>&1 || {
		not_ok "a throw-away CA and certificate for Icinga's API (openssl)"
		diag "$ic/openssl.log"
		return
	}
	pw=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
	api_port=$(free_port)

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

	cat >"$ic/etc/icinga2.conf" <<-EOF
	include <itl>
	include <plugins>
	include "$ROOT/dist/icinga2/cyberbaseline.conf"
	const PluginDir = "$ROOT/$BUILD"

	object FileLogger "main-log" {
		severity = "information"
		path = LogDir + "/icinga2.log"
	}
	object CheckerComponent "checker" { }
	object Endpoint NodeName { }
	object Zone ZoneName { endpoints = [ NodeName ] }
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

	object Host "ssh-hardened" {
		check_command = "dummy"
		address = "127.0.0.1"
		vars.baseline_ssh_port = $HPORT
	}
	object Host "ssh-weak" {
		check_command = "dummy"
		address = "127.0.0.1"
		vars.baseline_ssh_port = $WPORT
	}
	apply Service "baseline-ssh" {
		check_command = "baseline_ssh"
		check_interval = 2s
		retry_interval = 2s
		vars.baseline_file = "$B"
		vars.baseline_timeout = 10
		assign where host.name in [ "ssh-hardened", "ssh-weak" ]
	}
	/* malformed perfdata, which the GraphiteWriter must log */
	object Host "canary" {
		check_command = "dummy"
		check_interval = 2s
		vars.dummy_text = "canary|canary_bad=abc"
	}
	EOF

	if out=$(icinga2 daemon -C -c "$ic/etc/icinga2.conf" "${consts[@]}" 2>&1); then
		ok "icinga2 daemon -C accepts the configuration"
	else
		not_ok "icinga2 daemon -C accepts the configuration"
		echo "$out" | grep -iE 'critical|error' | head -5 | sed 's/^/# /'
		return
	fi

	env "$MARK" icinga2 daemon -c "$ic/etc/icinga2.conf" "${consts[@]}" >"$ic/daemon.log" 2>&1 &
	pid=$!

	# Forces the checks once the API answers, then waits for a result of each
	# service taken after that; writes {host: last_check_result} to $r.
	"$PY" - "$api_port" "$pw" "$ic/lib/certs/ca.crt" "$WAIT" "$r" <<-'EOF'
	import base64, json, ssl, sys, time, urllib.request
	port, pw, ca, wait, out = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), sys.argv[5]
	ctx = ssl.create_default_context(cafile=ca)
	ctx.check_hostname = False
	auth = "Basic " + base64.b64encode(("test:" + pw).encode()).decode()
	def api(method, path, body=None):
	    req = urllib.request.Request("https://127.0.0.1:%s%s" % (port, path), method=method,
	        data=json.dumps(body).encode() if body is not None else None,
	        headers={"Accept": "application/json", "Authorization": auth})
	    with urllib.request.urlopen(req, context=ctx, timeout=5) as resp:
	        return json.load(resp)
	end = time.time() + wait
	forced = None
	while time.time() < end:
	    try:
	        if forced is None:
	            api("POST", "/v1/actions/reschedule-check",
	                {"type": "Service", "filter": "service.name == \"baseline-ssh\"", "force": True})
	            forced = time.time()
	            print("# icinga API up, checks forced")
	        res = api("GET", "/v1/objects/services?attrs=last_check_result")["results"]
	        got = {r["name"].split("!")[0]: r["attrs"]["last_check_result"] for r in res}
	        if len(got) == 2 and all(c and c["execution_end"] >= forced for c in got.values()):
	            json.dump(got, open(out, "w"))
	            sys.exit(0)
	    except (OSError, ValueError):
	        pass
	    time.sleep(0.5)
	print("# no result of both services within %d s (forced: %s)" % (wait, forced is not None))
	sys.exit(1)
	EOF
	assert "Icinga ran baseline-ssh on both hosts (API on 127.0.0.1, within ${WAIT}s)" [ $? -eq 0 ]

	# result HOST STATE LINE1-PREFIX: the state, the first line of output and
	# the perfdata array of HOST's service in $r.
	result() {
		"$PY" - "$r" "$@" <<-'EOF'
		import json, re, sys
		path, host, state, prefix = sys.argv[1:5]
		try:
		    c = json.load(open(path))[host]
		except (OSError, ValueError, KeyError) as e:
		    print("# no result for %s: %s" % (host, e))
		    sys.exit(1)
		bad = []
		if c["state"] != float(state):
		    bad.append("state %s, expected %s" % (c["state"], state))
		if not c["output"].split("\n")[0].startswith(prefix):
		    bad.append("first line %r, expected to start with %r" % (c["output"].split("\n")[0], prefix))
		pd = c["performance_data"] or []
		for want in (r"compliance=\d+%(;[^;]*){0,2};0;100", r"controls_failed=\d+"):
		    if not any(re.fullmatch(want, p) for p in pd):
		        bad.append("no perfdata item like %s in %s" % (want, pd))
		for b in bad:
		    print("# %s: %s" % (host, b))
		sys.exit(1 if bad else 0)
		EOF
	}
	assert "Icinga, weak: state 2, 'BASELINE CRITICAL - ssh 127.0.0.1:$WPORT:', compliance and controls_failed perfdata" \
		result ssh-weak 2 "BASELINE CRITICAL - ssh 127.0.0.1:$WPORT:"
	assert "Icinga, hardened: state $HRC, 'BASELINE $HSTATE - ssh 127.0.0.1:$HPORT:', compliance and controls_failed perfdata" \
		result ssh-hardened "$HRC" "BASELINE $HSTATE - ssh 127.0.0.1:$HPORT:"

	# seen FILE ERE [N]: until FILE has more than N lines (default 0) matching
	# ERE; bounded by WAIT.
	seen() {
		local _
		for _ in $(seq $((WAIT * 10))); do
			[ "$(grep -cE "$2" "$1" 2>/dev/null)" -gt "${3:-0}" ] && return 0
			sleep 0.1
		done
		echo "# not more than ${3:-0} lines match '$2' in $1 after ${WAIT}s"
		return 1
	}
	# metrics HOST: the sink got HOST's compliance and controls_failed values
	metrics() {
		local p="^icinga2\\.$1\\.services\\.baseline-ssh\\.baseline_ssh\\.perfdata"
		seen "$T/graphite.txt" "$p\\.compliance\\.value [0-9.]+ [0-9]+\$" &&
			seen "$T/graphite.txt" "$p\\.controls_failed\\.value [0-9]+ [0-9]+\$"
	}
	local m bad="Ignoring (invalid|unsupported) perfdata" canary
	for m in ssh-hardened ssh-weak; do
		assert "Graphite sink received $m's compliance and controls_failed values" metrics "$m"
	done
	# The canary's warning, logged again after our metrics reached the sink:
	# the detection works, and the log holds every line written before.
	canary=$(grep -cE "$bad.*'canary'" "$ic/log/icinga2.log")
	assert "icinga2.log reports the canary's malformed perfdata (the next test can fail)" \
		seen "$ic/log/icinga2.log" "$bad.*'canary'" "$canary"
	if grep -E "$bad" "$ic/log/icinga2.log" |
		grep -vE "'canary'" | sed 's/^/# /' | grep .; then
		not_ok "icinga2.log: no 'Ignoring invalid/unsupported perfdata' for baseline-ssh"
	else
		ok "icinga2.log: no 'Ignoring invalid/unsupported perfdata' for baseline-ssh"
	fi

	stop_daemon "$pid"
	grep -E 'critical/' "$ic/log/icinga2.log" | head -5 | sed 's/^/# /'
}

if ! command -v icinga2 >/dev/null 2>&1 || [ ! -e /usr/share/icinga2/include/itl ]; then
	skip "icinga2 not installed (Debian: icinga2-bin icinga2-common)"
else
	icinga
fi

# ---------------------------------------------------------------- Nagios 4
nagios() {
	local ng=$T/nagios pid now h s=$T/nagios-status.txt
	mkdir -p "$ng/checkresults"
	echo "\$USER1\$=$ROOT/$BUILD" >"$ng/resource.cfg"
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
	EOF
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
	define host {
		use		loopback
		host_name	ssh-hardened
	}
	define host {
		use		loopback
		host_name	ssh-weak
	}
	define service {
		name			baseline-ssh
		register		0
		service_description	baseline-ssh
		max_check_attempts	1
		check_interval		1
		retry_interval		1
		check_period		always
		notification_period	always
		contacts		nobody
	}
	define service {
		use		baseline-ssh
		host_name	ssh-hardened
		check_command	check_baseline_ssh!$HPORT!-B $B -t 10
	}
	define service {
		use		baseline-ssh
		host_name	ssh-weak
		check_command	check_baseline_ssh!$WPORT!-B $B -t 10
	}
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
	for _ in $(seq $((WAIT * 10))); do
		[ -p "$ng/nagios.cmd" ] && break
		sleep 0.1
	done
	now=$(date +%s)
	if [ -p "$ng/nagios.cmd" ]; then
		for h in ssh-hardened ssh-weak; do
			printf '[%s] SCHEDULE_FORCED_SVC_CHECK;%s;baseline-ssh;%s\n' "$now" "$h" "$now"
		done >"$ng/nagios.cmd"
	fi

	# Waits for a result of each service taken after $now in status.dat;
	# writes "host field value" lines (plugin_output, long_plugin_output,
	# performance_data, current_state) to $s.
	"$PY" - "$ng/status.dat" "$now" "$WAIT" "$s" <<-'EOF'
	import sys, time
	path, since, wait, out = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
	def services():
	    found, cur = {}, None
	    try:
	        text = open(path, errors="replace").read()
	    except OSError:
	        return found
	    for line in text.split("\n"):
	        line = line.strip()
	        if line == "servicestatus {":
	            cur = {}
	        elif line == "}" and cur is not None:
	            found[cur.get("host_name")] = cur
	            cur = None
	        elif cur is not None and "=" in line:
	            k, v = line.split("=", 1)
	            cur[k] = v
	    return found
	end = time.time() + wait
	while time.time() < end:
	    got = services()
	    if all(int(got.get(h, {}).get("last_check", "0")) >= since for h in ("ssh-hardened", "ssh-weak")):
	        with open(out, "w") as f:
	            for h in ("ssh-hardened", "ssh-weak"):
	                for k in ("current_state", "plugin_output", "long_plugin_output", "performance_data"):
	                    f.write("%s %s %s\n" % (h, k, got[h].get(k, "")))
	        sys.exit(0)
	    time.sleep(0.5)
	print("# no result of both services in status.dat within %d s" % wait)
	sys.exit(1)
	EOF
	assert "Nagios ran baseline-ssh on both hosts (forced, within ${WAIT}s)" [ $? -eq 0 ]

	field() {	# host, field: its value in $s
		sed -n "s/^$1 $2 //p" "$s"
	}
	has() {	# what, host, field, glob pattern
		# shellcheck disable=SC2254 # $4 is a pattern
		case "$(field "$2" "$3")" in
		$4) ok "$1" ;;
		*)
			not_ok "$1"
			echo "# $2 $3: $(field "$2" "$3")"
			echo "# expected to match: $4"
			;;
		esac
	}
	has "Nagios, weak: current_state 2" ssh-weak current_state 2
	has "Nagios, weak: plugin_output starts 'BASELINE CRITICAL - ssh 127.0.0.1:$WPORT:'" \
		ssh-weak plugin_output "BASELINE CRITICAL - ssh 127.0.0.1:$WPORT:*"
	has "Nagios, weak: performance_data has compliance= and controls_failed=" \
		ssh-weak performance_data "compliance=*%*controls_failed=[0-9]*"
	has "Nagios, weak: long_plugin_output has '[CRITICAL] SSH-003'" \
		ssh-weak long_plugin_output "*\[CRITICAL\] SSH-003 *"
	has "Nagios, hardened: current_state $HRC" ssh-hardened current_state "$HRC"
	has "Nagios, hardened: plugin_output starts 'BASELINE $HSTATE - ssh 127.0.0.1:$HPORT:'" \
		ssh-hardened plugin_output "BASELINE $HSTATE - ssh 127.0.0.1:$HPORT:*"
	has "Nagios, hardened: performance_data has compliance= and controls_failed=" \
		ssh-hardened performance_data "compliance=*%*controls_failed=[0-9]*"

	stop_daemon "$pid"
}

if ! command -v nagios4 >/dev/null 2>&1; then
	skip "nagios4 not installed (Debian: nagios4-core)"
else
	nagios
fi

echo "1..$n"
[ "$failed" -eq 0 ]
