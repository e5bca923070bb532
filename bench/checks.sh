# shellcheck shell=bash
# Sourced by bench/load and bench/callgrind: the loopback peers of
# scripts/peers.sh and, against them, the command lines of bench/run for each
# of our checks and its nearest monitoring-plugins neighbour (for SSH also
# OpenSSH's ssh-keyscan, the same host key work as ours). Needs ROOT and
# PEER_DIR set and scripts/peers.sh sourced (the caller stops the peers).
#
#   checks_peers SECTION...   starts the peers the sections need (ssh tls
#                             tls-nginx snmp web mail; host needs none); 0, or
#                             1 with a reason on stderr when one did not start.
#                             tls is openssl s_server (one connection at a
#                             time), tls-nginx nginx with the same certificate
#                             and policy
#   checks_commands BIN BASE SECTION...
#                             fills CK_NAMES (in order), CK_CMD[name],
#                             CK_OURS[name] (1: ours, 0: a neighbour) and
#                             CK_PAIR[name] (the check of ours it sits
#                             beside); BIN holds check_baseline_*, BASE is
#                             the baseline file. Call again with another BIN
#                             to get the same commands for another build.
#
# The command lines are bench/run's (see bench/README.md); host runs with
# --root on the compliant fixture tree (tests/fixtures/host/compliant), so it
# reads the same files on every machine.
PLUGINS=${PLUGINS:-/usr/lib/nagios/plugins}
declare -a CK_NAMES=()
# shellcheck disable=SC2034 # CK_PAIR is read by the scripts that source this
declare -A CK_CMD=() CK_OURS=() CK_PAIR=()
declare -A CK_PORT=()

checks_peers() {
	local s
	for s in "$@"; do
		case $s in
		ssh)
			peer_ssh_hardened || { echo "checks: sshd did not start" >&2; return 1; }
			CK_PORT[ssh]=$PEER_PORT ;;
		tls)
			peer_tls_modern || { echo "checks: openssl s_server did not start" >&2; return 1; }
			CK_PORT[tls]=$PEER_PORT ;;
		tls-nginx)
			peer_tls_nginx || { echo "checks: the nginx TLS peer did not start" >&2; return 1; }
			CK_PORT[tls-nginx]=$PEER_PORT ;;
		snmp)
			peer_snmp_hardened || { echo "checks: the hardened snmpd did not start" >&2; return 1; }
			CK_PORT[snmp-h]=$PEER_PORT
			peer_snmp_weak || { echo "checks: the weak snmpd did not start" >&2; return 1; }
			CK_PORT[snmp-w]=$PEER_PORT ;;
		web)
			peer_web good || { echo "checks: the good web site did not start" >&2; return 1; }
			CK_PORT[web]=$PEER_PORT CK_PORT[web-http]=$HTTP_PORT ;;
		mail)
			peer_dns || { echo "checks: the DNS peers did not start" >&2; return 1; }
			CK_PORT[dns]=$PEER_PORT
			peer_mtasts || { echo "checks: the MTA-STS peer did not start" >&2; return 1; }
			CK_PORT[sts]=$PEER_PORT
			peer_mail smtp || { echo "checks: the SMTP peer did not start" >&2; return 1; }
			CK_PORT[smtp]=$PEER_PORT ;;
		host) ;;
		*) echo "checks: unknown section '$s'" >&2; return 1 ;;
		esac
	done
}

# ck NAME OURS PAIR COMMAND: registers one command line.
ck() {
	CK_NAMES+=("$1")
	# shellcheck disable=SC2034
	CK_CMD[$1]=$4 CK_OURS[$1]=$2 CK_PAIR[$1]=$3
}

checks_commands() {
	local bin=$1 base=$2 s ca=$PEER_DIR/pki/ca.pem hcred wcred user auth priv
	shift 2
	CK_NAMES=()
	[ -e "$ca" ] || ca=$PEER_DIR/tls-modern/ca.pem
	for s in "$@"; do
		case $s in
		ssh)
			ck ssh 1 ssh "$bin/check_baseline_ssh -H 127.0.0.1 -p ${CK_PORT[ssh]} -B $base"
			ck check_ssh 0 ssh "$PLUGINS/check_ssh -H 127.0.0.1 -p ${CK_PORT[ssh]}"
			# OpenSSH's own: one key exchange per key type, our host key stage's work
			ck ssh-keyscan 0 ssh "$(command -v ssh-keyscan || echo /usr/bin/ssh-keyscan) -p ${CK_PORT[ssh]} -t rsa,ecdsa,ed25519 127.0.0.1" ;;
		tls)
			ck tls 1 tls "$bin/check_baseline_tls -H 127.0.0.1 -p ${CK_PORT[tls]} --sni localhost --ca-file $ca -B $base -P udvidet"
			ck check_http-C 0 tls "$PLUGINS/check_http -C 30 -H 127.0.0.1 -p ${CK_PORT[tls]} --ssl" ;;
		tls-nginx)
			ck tls-nginx 1 tls-nginx "$bin/check_baseline_tls -H 127.0.0.1 -p ${CK_PORT[tls-nginx]} --sni localhost --ca-file $ca -B $base -P udvidet"
			ck check_http-C-nginx 0 tls-nginx "$PLUGINS/check_http -C 30 -H 127.0.0.1 -p ${CK_PORT[tls-nginx]} --ssl" ;;
		snmp)
			hcred=$PEER_DIR/snmp-hardened/credentials wcred=$PEER_DIR/snmp-weak/credentials
			ck snmp-v3 1 snmp-v3 "$bin/check_baseline_snmp -H 127.0.0.1 -p ${CK_PORT[snmp-h]} --credentials $hcred --host-name sw-core-01 -B $base"
			ck snmp-v2c 1 snmp-v2c "$bin/check_baseline_snmp -H 127.0.0.1 -p ${CK_PORT[snmp-w]} --credentials $wcred -B $base"
			# check_snmp takes the secrets on its command line: acceptable
			# for a throw-away loopback agent only (as in bench/run)
			user=$(sed -n 's/^user *= *//p' "$hcred")
			auth=$(sed -n 's/^auth-passphrase *= *//p' "$hcred")
			priv=$(sed -n 's/^priv-passphrase *= *//p' "$hcred")
			ck check_snmp-v3 0 snmp-v3 "$PLUGINS/check_snmp -H 127.0.0.1 -p ${CK_PORT[snmp-h]} -P 3 -L authPriv -U $user -a SHA-256 -A $auth -x AES -X $priv -o 1.3.6.1.2.1.1.1.0"
			ck check_snmp-v2c 0 snmp-v2c "$PLUGINS/check_snmp -H 127.0.0.1 -p ${CK_PORT[snmp-w]} -P 2c -C public -o 1.3.6.1.2.1.1.1.0" ;;
		web)
			ck web 1 web "$bin/check_baseline_web -B $base -P udvidet -u https://localhost:${CK_PORT[web]}/ --http-port ${CK_PORT[web-http]} --ca-file $ca"
			ck check_http-page 0 web "$PLUGINS/check_http -I 127.0.0.1 -H localhost -p ${CK_PORT[web]} --ssl -u /"
			# check_curl -V exits 3: its version line tells that it can start
			{ "$PLUGINS/check_curl" -V 2>&1 || :; } | grep -q "^check_curl" &&
				ck check_curl-page 0 web "$PLUGINS/check_curl -I 127.0.0.1 -H localhost -p ${CK_PORT[web]} --ssl -u /" ;;
		mail)
			ck mail 1 mail "$bin/check_baseline_mail -D good.test --smtp-port ${CK_PORT[smtp]} --dkim-selector s1 -B $base --dns-server 127.0.0.1:${CK_PORT[dns]} --mta-sts-port ${CK_PORT[sts]} --ca-file $ca -P udvidet"
			ck check_dig-dmarc 0 mail "$PLUGINS/check_dig -H 127.0.0.1 -p ${CK_PORT[dns]} -l _dmarc.good.test -T TXT" ;;
		host)
			ck host 1 host "$bin/check_baseline_host -B $base --root $ROOT/tests/fixtures/host/compliant" ;;
		esac
	done
	# a neighbour that is not installed is left out
	local n keep=()
	for n in "${CK_NAMES[@]}"; do
		if [ "${CK_OURS[$n]}" = 1 ] || [ -x "${CK_CMD[$n]%% *}" ]; then
			keep+=("$n")
		else
			echo "checks: ${CK_CMD[$n]%% *} missing: $n left out" >&2
		fi
	done
	CK_NAMES=("${keep[@]}")
}
