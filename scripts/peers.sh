# shellcheck shell=bash
# The loopback OpenSSH peers of the integration tests, `make demo` and
# `make bench`, in one place. Sourced (bash), never executed:
#
#   PEER_DIR=$(mktemp -d ...)           # the caller's temp dir; it removes it
#   . scripts/peers.sh
#   trap 'peers_stop; rm -rf "$PEER_DIR"' EXIT
#   peer_ssh_hardened && hport=$PEER_PORT
#   peer_ssh_weak && wport=$PEER_PORT
#
#   HARDENED  ed25519 + RSA 4096 host keys, modern algorithms only, public-key
#             login only; on 127.0.0.1 and ::1
#   WEAK      RSA 1024 (2048 where ssh-keygen refuses 1024) + DSA host keys,
#             SHA-1/1024-bit key exchange, 3DES/CBC, MD5/SHA-1/-96 MACs,
#             password and keyboard-interactive login; on 127.0.0.1
#
# Nobody can log in to either (no PAM, no authorized keys, no root). Every
# file (configs, host keys, logs, pid files) is in $PEER_DIR/<name>/; every
# sshd is a child of the sourcing shell, its PID in PEER_PIDS, stopped by
# peers_stop. Needs /usr/sbin/sshd, ssh-keygen and python3 (${PY:-python3});
# as root it creates /run/sshd, which sshd's privilege separation needs.

PEER_DIR=${PEER_DIR:-}
PEER_PIDS=()
PEER_PORT=""
SSHD=${SSHD:-/usr/sbin/sshd}

# free_port: prints a TCP port free right now on both 127.0.0.1 and ::1.
free_port() {
	"${PY:-python3}" - <<'EOF'
import socket
for _ in range(50):
    a = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    a.bind(("127.0.0.1", 0))
    port = a.getsockname()[1]
    try:
        b = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        b.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        b.bind(("::1", port))
        b.close()
    except OSError:
        a.close()
        continue
    a.close()
    print(port)
    break
EOF
}

# wait_port HOST PORT [SECONDS]: until HOST:PORT accepts connections (default
# 5 s at most); 1 if it never did.
wait_port() {
	"${PY:-python3}" - "$1" "$2" "${3:-5}" <<'EOF'
import socket, sys, time
end = time.time() + float(sys.argv[3])
while time.time() < end:
    try:
        socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=0.5).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(1)
EOF
}

# peer_dir NAME: creates $PEER_DIR/NAME and prints it; 1 when PEER_DIR is not
# set to a directory (nothing is ever written outside it).
peer_dir() {
	if [ -z "$PEER_DIR" ] || [ ! -d "$PEER_DIR" ]; then
		echo "# peers: PEER_DIR '$PEER_DIR' is not a directory" >&2
		return 1
	fi
	mkdir -p "$PEER_DIR/$1" && echo "$PEER_DIR/$1"
}

# peer_keygen FILE TYPE-ARGS...: a host key without passphrase, unless FILE exists.
peer_keygen() {
	local f=$1
	shift
	[ -e "$f" ] || ssh-keygen -q -N '' -C cyberbaseline-peer "$@" -f "$f" </dev/null
}

# sshd_start NAME PORT CONFIG-LINES: writes $PEER_DIR/NAME/sshd_config (the
# lines plus the no-login settings every peer shares), runs `sshd -D` on PORT
# in the background and waits until 127.0.0.1:PORT accepts. On failure prints
# sshd's log as "# " lines and returns 1.
sshd_start() {
	local name=$1 port=$2 dir
	if [ ! -x "$SSHD" ]; then
		echo "# $SSHD missing (Debian package openssh-server)"
		return 1
	fi
	dir=$(peer_dir "$name") || return 1
	[ "$(id -u)" -eq 0 ] && mkdir -p /run/sshd
	{
		printf '%s\n' "$3"
		cat <<-'EOF'
		UsePAM no
		AuthorizedKeysFile none
		PermitRootLogin no
		LoginGraceTime 20
		EOF
	} >"$dir/sshd_config"
	"$SSHD" -D -e -f "$dir/sshd_config" -p "$port" -o PidFile="$dir/sshd.pid" \
		>"$dir/sshd.log" 2>&1 &
	PEER_PIDS+=("$!")
	if ! wait_port 127.0.0.1 "$port"; then
		echo "# sshd $name did not start on 127.0.0.1:$port:"
		sed 's/^/# /' "$dir/sshd.log"
		return 1
	fi
}

# peer_ssh_hardened: starts the HARDENED sshd on a free port; sets PEER_PORT
# (also when it fails, for the message). Not to be called in $(...): the PID
# must stay in this shell.
peer_ssh_hardened() {
	local d
	d=$(peer_dir hardened) || return 1
	peer_keygen "$d/ed25519" -t ed25519
	peer_keygen "$d/rsa" -t rsa -b 4096
	PEER_PORT=$(free_port)
	# DebianBanner stays on (the default): SSH-002 compares the Debian package revision.
	sshd_start hardened "$PEER_PORT" "HostKey $d/ed25519
HostKey $d/rsa
ListenAddress 127.0.0.1
ListenAddress [::1]
KexAlgorithms sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org
Ciphers chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-gcm@openssh.com
MACs hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com
HostKeyAlgorithms ssh-ed25519,rsa-sha2-512,rsa-sha2-256
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes"
}

# peer_ssh_weak: starts the WEAK sshd on a free port; sets PEER_PORT.
peer_ssh_weak() {
	local d
	d=$(peer_dir weak) || return 1
	if [ ! -e "$d/rsa" ] &&
		! ssh-keygen -q -N '' -C cyberbaseline-peer -t rsa -b 1024 -f "$d/rsa" </dev/null 2>/dev/null; then
		peer_keygen "$d/rsa" -t rsa -b 2048
	fi
	peer_keygen "$d/dsa" -t dsa
	PEER_PORT=$(free_port)
	sshd_start weak "$PEER_PORT" "HostKey $d/rsa
HostKey $d/dsa
ListenAddress 127.0.0.1
KexAlgorithms +diffie-hellman-group1-sha1,diffie-hellman-group14-sha1
Ciphers +3des-cbc,aes128-cbc
MACs +hmac-md5,hmac-sha1,hmac-sha1-96
HostKeyAlgorithms +ssh-rsa,ssh-dss
PasswordAuthentication yes
KbdInteractiveAuthentication yes"
}

# peer_tls_modern: `openssl s_server` on 127.0.0.1:$PEER_PORT with a P-256
# certificate for "localhost" from a throw-away CA ($PEER_DIR/tls-modern/ca.pem),
# TLS 1.2 and 1.3 only. A first TLS peer for the demo; the TLS integration
# tests (issue 3) will add the weak and hostile ones here.
peer_tls_modern() {
	local d
	d=$(peer_dir tls-modern) || return 1
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
		-subj /CN=cyberbaseline-demo-ca -keyout "$d/ca.key" -out "$d/ca.pem" 2>/dev/null &&
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost \
		-keyout "$d/leaf.key" -out "$d/leaf.csr" 2>/dev/null &&
	printf 'subjectAltName=DNS:localhost\n' >"$d/ext" &&
	openssl x509 -req -in "$d/leaf.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial \
		-days 90 -sha256 -extfile "$d/ext" -out "$d/leaf.pem" 2>/dev/null || return 1
	PEER_PORT=$(free_port)
	openssl s_server -accept "127.0.0.1:$PEER_PORT" -cert "$d/leaf.pem" -key "$d/leaf.key" \
		-cert_chain "$d/ca.pem" -min_protocol TLSv1.2 -www -quiet </dev/null >"$d/log" 2>&1 &
	PEER_PIDS+=("$!")
	wait_port 127.0.0.1 "$PEER_PORT"
}

# peers_stop [PID...]: stops every sshd in PEER_PIDS, and the caller's other
# background processes given, by PID, each after giving its children (sshd's
# per-connection processes) up to 2 s to finish: they would outlive it.
peers_stop() {
	local pid _ all=("${PEER_PIDS[@]}" "$@")
	for pid in "${all[@]}"; do
		for _ in $(seq 40); do
			[ -z "$(ps -o pid= --ppid "$pid" 2>/dev/null)" ] && break
			sleep 0.05
		done
		kill "$pid" 2>/dev/null
	done
	for pid in "${all[@]}"; do
		wait "$pid" 2>/dev/null
	done
	PEER_PIDS=()
}
