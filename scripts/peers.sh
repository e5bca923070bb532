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

# ---- TLS peers -------------------------------------------------------------
#
# Certificates come from a throw-away PKI in $PEER_DIR/pki, made on first use:
#   ca.pem         root CA, P-256, self-signed (the --ca-file of the tests)
#   int.pem        intermediate CA, P-256, signed by the root with SHA-256
#   weak-ca.pem    an RSA-2048 root for the weak leaf (which it signs with SHA-1)
#   other-ca.pem   a root nobody trusts (the untrusted chain)
# tls_leaf writes a leaf's key, certificate and chain file (leaf + issuer) there.
#
# Peers (each sets PEER_PORT; PIDs in PEER_PIDS, stopped by peers_stop):
#   peer_tls_modern      openssl s_server: TLS 1.2/1.3, ECDHE+AEAD only, P-256
#                        leaf "localhost" via the intermediate, 90 days, a good
#                        stapled OCSP response: every TLS control passes
#   peer_nginx_modern    nginx: the same policy with an RSA-3072 leaf
#   peer_tls_nginx       nginx with peer_tls_modern's leaf, chain, policy and
#                        stapled OCSP response: the same server as far as a
#                        client can tell, but it handshakes with many clients
#                        at once where s_server serves one (bench/run)
#   peer_nginx_weak      nginx at security level 0: TLS 1.0-1.2, CBC and
#                        static-RSA suites, DHE with a 1024-bit group, the
#                        curves secp256k1 and P-192 besides X25519, P-256 and
#                        brainpoolP256r1, an RSA-1024 leaf signed with SHA-1
#                        by weak-ca, 800 days
#   peer_tls_cert KIND   openssl s_server, modern policy, with a leaf that is
#                        KIND: expiring5 (5 days left), expiring20 (20 days),
#                        wrongname (for "www.other.example"), untrusted
#                        (issued by other-ca), bigchain (a ~100 kB chain)
#   peer_tls_hostile KIND  a Python peer: silent (accepts, never answers),
#                        garbage (answers any hello with 3000 bytes of a
#                        fixed pattern that is no SSL or TLS), reset
#                        (reads the hello, then resets the connection), http
#                        (answers like a plain HTTP server)
#   peer_mail PROTO [nostarttls|inject]  a Python SMTP, IMAP or POP3 server
#                        that offers STARTTLS and then speaks TLS 1.2/1.3 with
#                        the modern leaf; nostarttls: it does not offer it;
#                        inject: a line follows its go-ahead in the same write
# Needs openssl, nginx (package nginx-light) and python3.

NGINX=${NGINX:-/usr/sbin/nginx}
MODERN_CIPHERS='ECDHE+AESGCM:ECDHE+CHACHA20'

# tls_pki: the PKI above, once per PEER_DIR.
tls_pki() {
	local d
	d=$(peer_dir pki) || return 1
	[ -e "$d/ca.pem" ] && return 0
	(
		set -e
		cd "$d"
		exec 2>pki.log
		printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n' >ca.ext
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 400 \
			-subj /CN=cyberbaseline-test-root -addext basicConstraints=critical,CA:TRUE \
			-addext keyUsage=critical,keyCertSign,cRLSign -keyout ca.key -out ca.pem
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
			-subj /CN=cyberbaseline-test-intermediate -keyout int.key -out int.csr
		openssl x509 -req -in int.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 400 \
			-sha256 -extfile ca.ext -out int.pem
		openssl req -x509 -newkey rsa:2048 -nodes -days 400 -subj /CN=cyberbaseline-weak-root \
			-addext basicConstraints=critical,CA:TRUE -keyout weak-ca.key -out weak-ca.pem
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 400 \
			-subj /CN=cyberbaseline-other-root -addext basicConstraints=critical,CA:TRUE \
			-keyout other-ca.key -out other-ca.pem
	) || { sed 's/^/# /' "$d/pki.log"; rm -f "$d/ca.pem"; return 1; }
}

# tls_leaf NAME KEYALG DAYS SAN ISSUER DIGEST: pki/NAME.key, NAME.pem and
# NAME.chain (leaf + issuer). KEYALG: p256, rsa3072, rsa1024; ISSUER: int,
# weak-ca or other-ca; DIGEST: sha256, sha1.
tls_leaf() {
	local name=$1 alg=$2 days=$3 san=$4 issuer=$5 md=$6 d keyopt
	d="$PEER_DIR/pki"
	[ -e "$d/$name.chain" ] && return 0
	case $alg in
	p256) keyopt=(-newkey ec -pkeyopt ec_paramgen_curve:P-256) ;;
	*) keyopt=(-newkey "rsa:${alg#rsa}") ;;
	esac
	(
		set -e
		cd "$d"
		exec 2>"$name.log"
		printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' \
			"$san" >"$name.ext"
		openssl req "${keyopt[@]}" -nodes -subj "/CN=${san#DNS:}" -keyout "$name.key" \
			-out "$name.csr"
		openssl x509 -req -in "$name.csr" -CA "$issuer.pem" -CAkey "$issuer.key" \
			-CAcreateserial -days "$days" "-$md" -extfile "$name.ext" -out "$name.pem"
		cat "$name.pem" "$issuer.pem" >"$name.chain"
	) || { sed 's/^/# /' "$d/$name.log"; rm -f "$d/$name.chain"; return 1; }
}

# tls_ocsp NAME: a good OCSP response for NAME's leaf (issued by int), signed
# by the intermediate itself, valid 7 days: pki/NAME.ocsp.
tls_ocsp() {
	local d="$PEER_DIR/pki" serial
	[ -e "$d/$1.ocsp" ] && return 0
	serial=$(openssl x509 -in "$d/$1.pem" -noout -serial | cut -d= -f2)
	printf 'V\t%s\t\t%s\tunknown\t/CN=localhost\n' \
		"$(date -u -d '+90 days' +%y%m%d%H%M%SZ)" "$serial" >"$d/$1.index"
	openssl ocsp -index "$d/$1.index" -rsigner "$d/int.pem" -rkey "$d/int.key" \
		-CA "$d/int.pem" -issuer "$d/int.pem" -cert "$d/$1.pem" -ndays 7 \
		-respout "$d/$1.ocsp" >"$d/$1.ocsp.log" 2>&1 ||
		{ sed 's/^/# /' "$d/$1.ocsp.log"; return 1; }
}

# s_server_start NAME CHAIN KEY ARGS...: `openssl s_server` on a free port of
# 127.0.0.1, answering like a web server (-www). One connection at a time.
s_server_start() {
	local name=$1 chain=$2 key=$3 d
	shift 3
	d=$(peer_dir "$name") || return 1
	PEER_PORT=$(free_port)
	openssl s_server -accept "127.0.0.1:$PEER_PORT" -cert "$chain" -key "$key" \
		-cert_chain "$chain" "$@" -www -quiet </dev/null >"$d/log" 2>&1 &
	PEER_PIDS+=("$!")
	if ! wait_port 127.0.0.1 "$PEER_PORT"; then
		echo "# openssl s_server $name did not start:"
		sed 's/^/# /' "$d/log"
		return 1
	fi
}

peer_tls_modern() {
	tls_pki && tls_leaf modern p256 90 DNS:localhost int sha256 && tls_ocsp modern || return 1
	s_server_start tls-modern "$PEER_DIR/pki/modern.chain" "$PEER_DIR/pki/modern.key" \
		-min_protocol TLSv1.2 -cipher "$MODERN_CIPHERS" -status_file "$PEER_DIR/pki/modern.ocsp"
}

peer_tls_cert() {
	local kind=$1 p="$PEER_DIR/pki" i
	tls_pki || return 1
	case $kind in
	expiring5) tls_leaf "$kind" p256 5 DNS:localhost int sha256 ;;
	expiring20) tls_leaf "$kind" p256 20 DNS:localhost int sha256 ;;
	wrongname) tls_leaf "$kind" p256 90 DNS:www.other.example int sha256 ;;
	untrusted) tls_leaf "$kind" p256 90 DNS:localhost other-ca sha256 ;;
	bigchain)
		# the leaf and its issuer, then copies of a big self-signed certificate: ~100 kB
		if [ ! -e "$p/bigchain.chain" ]; then
			tls_leaf bigchain-leaf p256 90 DNS:localhost int sha256 &&
				openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
					-subj /CN=cyberbaseline-big -addext "nsComment=$(printf '%02000d' 0)" \
					-keyout "$p/big.key" -out "$p/big.pem" 2>/dev/null || return 1
			cp "$p/bigchain-leaf.key" "$p/bigchain.key"
			{
				cat "$p/bigchain-leaf.chain"
				for i in $(seq 50); do cat "$p/big.pem"; done
			} >"$p/bigchain.chain"
		fi
		;;
	*)
		echo "# peer_tls_cert: unknown kind '$kind'"
		return 1
		;;
	esac || return 1
	s_server_start "tls-$kind" "$p/$kind.chain" "$p/$kind.key" \
		-min_protocol TLSv1.2 -cipher "$MODERN_CIPHERS"
}

# nginx_start NAME SERVER-DIRECTIVES [OPENSSL_CONF]: nginx in the foreground
# with every path under $PEER_DIR/NAME and one TLS server on a free port of
# 127.0.0.1 and ::1. Stopped by peers_stop (SIGTERM: a fast shutdown).
nginx_start() {
	local name=$1 d user=""
	d=$(peer_dir "$name") || return 1
	if [ ! -x "$NGINX" ]; then
		echo "# $NGINX missing (Debian package nginx-light)"
		return 1
	fi
	PEER_PORT=$(free_port)
	mkdir -p "$d/tmp"
	[ "$(id -u)" -eq 0 ] && user="user root;"
	cat >"$d/nginx.conf" <<-EOF
	worker_processes 1;
	pid $d/nginx.pid;
	error_log $d/error.log info;
	$user
	events { worker_connections 256; }
	http {
		access_log off;
		client_body_temp_path $d/tmp/body;
		proxy_temp_path $d/tmp/proxy;
		fastcgi_temp_path $d/tmp/fastcgi;
		uwsgi_temp_path $d/tmp/uwsgi;
		scgi_temp_path $d/tmp/scgi;
		server {
			listen 127.0.0.1:$PEER_PORT ssl;
			listen [::1]:$PEER_PORT ssl;
			server_name localhost;
			$2
			location / { return 200 "cyberbaseline test peer\n"; }
		}
	}
	EOF
	OPENSSL_CONF=${3:-${OPENSSL_CONF:-}} "$NGINX" -p "$d" -e "$d/error.log" -c "$d/nginx.conf" \
		-g 'daemon off;' >"$d/stdout" 2>&1 &
	PEER_PIDS+=("$!")
	if ! wait_port 127.0.0.1 "$PEER_PORT"; then
		echo "# nginx $name did not start:"
		sed 's/^/# /' "$d/error.log" "$d/stdout" 2>/dev/null
		return 1
	fi
}

peer_nginx_modern() {
	local p="$PEER_DIR/pki"
	tls_pki && tls_leaf nginx-modern rsa3072 90 DNS:localhost int sha256 || return 1
	nginx_start nginx-modern "ssl_certificate $p/nginx-modern.chain;
			ssl_certificate_key $p/nginx-modern.key;
			ssl_protocols TLSv1.2 TLSv1.3;
			ssl_ciphers $MODERN_CIPHERS;
			ssl_prefer_server_ciphers on;"
}

peer_tls_nginx() {
	local p="$PEER_DIR/pki"
	tls_pki && tls_leaf modern p256 90 DNS:localhost int sha256 && tls_ocsp modern || return 1
	nginx_start tls-nginx "ssl_certificate $p/modern.chain;
			ssl_certificate_key $p/modern.key;
			ssl_protocols TLSv1.2 TLSv1.3;
			ssl_ciphers $MODERN_CIPHERS;
			ssl_prefer_server_ciphers on;
			ssl_stapling on;
			ssl_stapling_file $p/modern.ocsp;"
}

peer_nginx_weak() {
	local p="$PEER_DIR/pki" d
	tls_pki && tls_leaf weak rsa1024 800 DNS:localhost weak-ca sha1 || return 1
	d=$(peer_dir nginx-weak) || return 1
	[ -e "$d/dh1024.pem" ] || openssl dhparam -dsaparam -out "$d/dh1024.pem" 1024 2>/dev/null
	# the whole process at security level 0, as Debian's OpenSSL 3 needs for TLS 1.0
	cat >"$d/openssl.cnf" <<-'EOF'
	openssl_conf = default_conf
	[default_conf]
	ssl_conf = ssl_sect
	[ssl_sect]
	system_default = system_default_sect
	[system_default_sect]
	MinProtocol = TLSv1
	CipherString = DEFAULT:@SECLEVEL=0
	EOF
	nginx_start nginx-weak "ssl_certificate $p/weak.chain;
			ssl_certificate_key $p/weak.key;
			ssl_protocols TLSv1 TLSv1.1 TLSv1.2;
			ssl_ciphers ALL:@SECLEVEL=0;
			ssl_ecdh_curve X25519:prime256v1:secp256k1:secp192r1:brainpoolP256r1;
			ssl_dhparam $d/dh1024.pem;" "$d/openssl.cnf"
}

# The Python peers, one script: `python3 -c "$PY_PEER" KIND PORT [CHAIN KEY]`.
# A thread per connection; every socket has a timeout, so nothing outlives
# the test by more than a few seconds even if it is not stopped.
PY_PEER=$(
	cat <<'EOF'
import os, socket, ssl, struct, sys, threading, time
kind, port = sys.argv[1], int(sys.argv[2])
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", port))
srv.listen(64)
ctx = None
if len(sys.argv) > 4:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.set_ciphers("ECDHE+AESGCM:ECDHE+CHACHA20")
    ctx.load_cert_chain(sys.argv[3], sys.argv[4])
held = []

def lines(f):
    while True:
        l = f.readline(2048)
        if not l:
            return
        yield l.rstrip(b"\r\n")

def mail(c, proto, opt):
    """The clear-text dialogue; True when the client asked for STARTTLS and got it.
    opt "nostarttls": STARTTLS is not offered; "inject": a line follows the go-ahead."""
    f = c.makefile("rb")
    starttls = opt != "nostarttls"
    extra = {"smtp": "250 injected\r\n", "imap": "* injected\r\n", "pop3": "+OK injected\r\n"}
    w = lambda s: c.sendall(s.encode())
    go = lambda s: w(s + (extra[proto] if opt == "inject" else ""))
    if proto == "smtp":
        w("220 mail.test ESMTP cyberbaseline test peer\r\n")
        for l in lines(f):
            cmd = l.upper()
            if cmd.startswith(b"EHLO") or cmd.startswith(b"HELO"):
                w("250-mail.test\r\n250-PIPELINING\r\n" + ("250-STARTTLS\r\n" if starttls else "") + "250 8BITMIME\r\n")
            elif cmd == b"STARTTLS" and starttls:
                go("220 2.0.0 Ready to start TLS\r\n")
                return True
            elif cmd == b"QUIT":
                w("221 2.0.0 bye\r\n")
                return False
            else:
                w("502 5.5.2 not implemented\r\n")
    elif proto == "imap":
        w("* OK cyberbaseline test peer\r\n")
        for l in lines(f):
            tag, _, cmd = l.partition(b" ")
            tag, cmd = tag.decode(), cmd.upper()
            if cmd == b"CAPABILITY":
                w("* CAPABILITY IMAP4rev1" + (" STARTTLS" if starttls else "") + " LOGINDISABLED\r\n" + tag + " OK done\r\n")
            elif cmd == b"STARTTLS" and starttls:
                go(tag + " OK begin TLS now\r\n")
                return True
            elif cmd == b"LOGOUT":
                w("* BYE\r\n" + tag + " OK bye\r\n")
                return False
            else:
                w(tag + " BAD not implemented\r\n")
    else:
        w("+OK cyberbaseline test peer\r\n")
        for l in lines(f):
            cmd = l.upper()
            if cmd == b"CAPA":
                w("+OK\r\nUSER\r\n" + ("STLS\r\n" if starttls else "") + ".\r\n")
            elif cmd == b"STLS" and starttls:
                go("+OK begin TLS\r\n")
                return True
            elif cmd == b"QUIT":
                w("+OK bye\r\n")
                return False
            else:
                w("-ERR not implemented\r\n")
    return False

def serve(c):
    try:
        if kind == "silent":
            held.append(c)
            return
        if kind in ("garbage", "reset", "http"):
            c.recv(4096)
            if kind == "garbage":
                c.sendall(bytes((i * 37 + 11) % 256 for i in range(3000)))
            elif kind == "http":
                c.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            else:
                c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            c.close()
            return
        if kind in ("httpbig", "httpdrip"):
            t = ctx.wrap_socket(c, server_side=True)
            t.recv(4096)
            t.sendall(b"HTTP/1.1 200 OK\r\n")
            if kind == "httpbig":	# 1 MB of headers
                line = b"X-Filler: " + b"a" * 1012 + b"\r\n"
                for _ in range(1024):
                    t.sendall(line)
                t.sendall(b"\r\n")
            else:			# a header line every half second, never the end
                for _ in range(120):
                    t.sendall(b"X-Drip: 1\r\n")
                    time.sleep(0.5)
            t.close()
            return
        proto, _, opt = kind.partition("-")
        if mail(c, proto, opt):
            t = ctx.wrap_socket(c, server_side=True)
            t.recv(1)
            t.close()
        else:
            c.close()
    except Exception:
        c.close()

while True:
    c, _ = srv.accept()
    c.settimeout(30)
    threading.Thread(target=serve, args=(c,), daemon=True).start()
EOF
)

# py_peer_start NAME KIND [CHAIN KEY]
py_peer_start() {
	local name=$1 d
	d=$(peer_dir "$name") || return 1
	PEER_PORT=$(free_port)
	"${PY:-python3}" -c "$PY_PEER" "$2" "$PEER_PORT" "${@:3}" >"$d/log" 2>&1 &
	PEER_PIDS+=("$!")
	if ! wait_port 127.0.0.1 "$PEER_PORT"; then
		echo "# python peer $name did not start:"
		sed 's/^/# /' "$d/log"
		return 1
	fi
}

peer_tls_hostile() {
	py_peer_start "hostile-$1" "$1"
}

# peer_http_hostile httpbig|httpdrip: HTTPS (the modern leaf) that sends 1 MB
# of headers, or a header line every half second and never their end.
peer_http_hostile() {
	tls_pki && tls_leaf modern p256 90 DNS:localhost int sha256 || return 1
	py_peer_start "$1" "$1" "$PEER_DIR/pki/modern.chain" "$PEER_DIR/pki/modern.key"
}

peer_mail() {
	local kind=$1
	[ -n "${2:-}" ] && kind="$1-$2"
	tls_pki && tls_leaf modern p256 90 DNS:localhost int sha256 || return 1
	py_peer_start "mail-$kind" "$kind" "$PEER_DIR/pki/modern.chain" "$PEER_DIR/pki/modern.key"
}

# ---- SNMP peers ------------------------------------------------------------
#
# Peers (each sets PEER_PORT, a UDP port of 127.0.0.1; PIDs in PEER_PIDS,
# stopped by peers_stop):
#   peer_snmp_hardened   snmpd with one SNMPv3 user "cbmon" (SHA-256/AES,
#                        rouser ... priv: authPriv only) and no community;
#                        sysName sw-core-01.kommune.example (SNMP-008 matches
#                        with --host-name sw-core-01), sysContact and
#                        sysLocation set, a current Cisco IOS 15.2(7)E8
#                        sysDescr with sysObjectID 1.3.6.1.4.1.9.1.1208,
#                        authtrapenable 1; net-snmp has no NTP-MIB. cbmon at
#                        noAuthNoPriv or authNoPriv gets a Response with
#                        error-status authorizationError (16), not a
#                        usmStatsUnsupportedSecLevels Report
#                        Files in $PEER_DIR/snmp-hardened/ (mode 600):
#                          credentials            the check's --credentials
#                                                 (version 3, authPriv)
#                          snmp.conf              the same user in net-snmp's
#                                                 snmp.conf syntax (def*)
#                          credentials-wrongpass  the same with a wrong
#                                                 auth-passphrase (the UNKNOWN case)
#   peer_snmp_weak       snmpd with communities "public" and "private"
#                        (v1/v2c, from 127.0.0.1), a v3 user "weak" (MD5/DES)
#                        allowed at noAuthNoPriv; an empty sysContact, sysName
#                        "Switch", a Cisco IOS 12.2(55)SE7 sysDescr with
#                        sysObjectID 1.3.6.1.4.1.9.1.716, authtrapenable 2
#                        Files in $PEER_DIR/snmp-weak/ (mode 600):
#                          credentials     version 2c, community public
#                          credentials-v3  version 3, user weak, authPriv MD5/DES
#   peer_snmp_hostile KIND  a Python UDP peer: silent (reads, never answers),
#                        wrongtype (answers each v1/v2c request, any community,
#                        with its request-id and every varbind of a wrong type:
#                        Counter32, NULL, OBJECT IDENTIFIER in turn, never the
#                        OID type for sysObjectID), oversized (answers with one
#                        65000-byte datagram: a v1/v2c Response with the right
#                        request-id whose first value is a ~64900-byte string;
#                        65000 bytes of a fixed pattern to anything else),
#                        malformed (answers each request with five datagrams,
#                        none valid: an outer length past the end, an inner
#                        length past its container, the Response cut in half,
#                        version 5, an indefinite length)
# Every pass phrase is random per peer directory; the tests read them from the
# credentials files. snmpd runs with -C (only our config), persistentDir in
# the peer directory, -I -smux (else it listens on 0.0.0.0:199/tcp), MIBS=
# (Debian ships no MIB files: else pages of "Cannot find module") and logs to
# $PEER_DIR/snmp-NAME/snmpd.log. As root it stays root (no -u/-g: nothing to
# drop to that could write the peer directory); as a user it works the same.
# Needs /usr/sbin/snmpd (package snmpd) and python3. The tables it answers from
# (tcpListenerTable, hrSystemUptime ...) are the test machine's own.

SNMPD=${SNMPD:-/usr/sbin/snmpd}

# free_udp_port: prints a UDP port free right now on 127.0.0.1.
free_udp_port() {
	"${PY:-python3}" -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# snmp_secret: a random pass phrase (24 hex digits).
snmp_secret() {
	od -An -N12 -tx1 /dev/urandom | tr -d ' \n'
}

# snmp_wait PORT [SECONDS]: until an SNMP agent on 127.0.0.1:PORT answers an
# SNMPv3 engine-ID discovery (RFC 3414 4: a Report comes back whatever users
# and communities it has; default 5 s at most); 1 if it never did.
snmp_wait() {
	"${PY:-python3}" - "$1" "${2:-5}" <<'EOF'
import socket, sys, time

def tlv(tag, body):
    n = len(body)
    ln = bytes([n]) if n < 128 else bytes([0x81, n])
    return bytes([tag]) + ln + body

def integer(v):
    return tlv(0x02, v.to_bytes(4, "big"))

usm = tlv(0x30, tlv(0x04, b"") + integer(0) + integer(0) + tlv(0x04, b"") * 3)
pdu = tlv(0xA0, integer(4711) + integer(0) + integer(0) + tlv(0x30, b""))
msg = tlv(0x30, integer(3)
          + tlv(0x30, integer(4711) + integer(65507) + tlv(0x04, b"\x04") + integer(3))
          + tlv(0x04, usm)
          + tlv(0x30, tlv(0x04, b"") + tlv(0x04, b"") + pdu))
end = time.time() + float(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(0.2)
while time.time() < end:
    try:
        s.sendto(msg, ("127.0.0.1", int(sys.argv[1])))
        s.recvfrom(65535)
        sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(1)
EOF
}

# snmp_cred_file FILE LINES: writes FILE with mode 600 (never readable by others,
# as the check demands).
snmp_cred_file() {
	(
		umask 077
		printf '%s\n' "$2" >"$1"
	) && chmod 600 "$1"
}

# snmpd_start NAME CONFIG-LINES: writes $PEER_DIR/NAME/snmpd.conf (mode 600:
# it holds pass phrases) with the lines, a private persistentDir and no log
# line per request, runs snmpd in the foreground on a free UDP port of
# 127.0.0.1 and waits until it answers. On failure prints snmpd's log as "# "
# lines and returns 1.
snmpd_start() {
	local name=$1 dir
	if [ ! -x "$SNMPD" ]; then
		echo "# $SNMPD missing (Debian package snmpd)"
		return 1
	fi
	dir=$(peer_dir "$name") || return 1
	mkdir -p "$dir/persist"
	PEER_PORT=$(free_udp_port)
	(
		umask 077
		printf '[snmp] persistentDir %s\ndontLogTCPWrappersConnects yes\n%s\n' "$dir/persist" \
			"$2" >"$dir/snmpd.conf"
	)
	MIBS='' "$SNMPD" -f -C -c "$dir/snmpd.conf" -I -smux -Lf "$dir/snmpd.log" -p "$dir/snmpd.pid" \
		"udp:127.0.0.1:$PEER_PORT" >"$dir/stdout" 2>&1 &
	PEER_PIDS+=("$!")
	if ! snmp_wait "$PEER_PORT"; then
		echo "# snmpd $name did not start on udp 127.0.0.1:$PEER_PORT:"
		sed 's/^/# /' "$dir/snmpd.log" "$dir/stdout" 2>/dev/null
		return 1
	fi
}

# peer_snmp_hardened: starts the hardened snmpd; sets PEER_PORT. Not to be
# called in $(...): the PID must stay in this shell.
peer_snmp_hardened() {
	local d auth priv
	d=$(peer_dir snmp-hardened) || return 1
	if [ ! -e "$d/credentials" ]; then
		auth=$(snmp_secret)
		priv=$(snmp_secret)
		snmp_cred_file "$d/credentials" "# check_baseline_snmp --credentials for peer_snmp_hardened
version = 3
user = cbmon
security-level = authPriv
auth-protocol = SHA-256
auth-passphrase = $auth
priv-protocol = AES
priv-passphrase = $priv" || return 1
		snmp_cred_file "$d/snmp.conf" "# the same user in net-snmp's snmp.conf syntax
mibs :
defVersion 3
defSecurityName cbmon
defSecurityLevel authPriv
defAuthType SHA-256
defAuthPassphrase $auth
defPrivType AES
defPrivPassphrase $priv" || return 1
		snmp_cred_file "$d/credentials-wrongpass" "version = 3
user = cbmon
security-level = authPriv
auth-protocol = SHA-256
auth-passphrase = wrong-$auth
priv-protocol = AES
priv-passphrase = $priv" || return 1
	fi
	auth=$(sed -n 's/^auth-passphrase = //p' "$d/credentials")
	priv=$(sed -n 's/^priv-passphrase = //p' "$d/credentials")
	snmpd_start snmp-hardened "createUser cbmon SHA-256 $auth AES $priv
rouser cbmon priv
sysName sw-core-01.kommune.example
sysContact Netvaerk og drift <noc@kommune.example>
sysLocation Raadhuset, serverrum 1
sysDescr Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(7)E8, RELEASE SOFTWARE (fc1)
sysObjectID .1.3.6.1.4.1.9.1.1208
authtrapenable 1"
}

# peer_snmp_weak: starts the weak snmpd; sets PEER_PORT.
peer_snmp_weak() {
	local d auth priv
	d=$(peer_dir snmp-weak) || return 1
	if [ ! -e "$d/credentials-v3" ]; then
		snmp_cred_file "$d/credentials" "# check_baseline_snmp --credentials for peer_snmp_weak (v2c)
version = 2c
community = public" || return 1
		snmp_cred_file "$d/credentials-v3" "# peer_snmp_weak's v3 user (also allowed at noAuthNoPriv)
version = 3
user = weak
security-level = authPriv
auth-protocol = MD5
auth-passphrase = $(snmp_secret)
priv-protocol = DES
priv-passphrase = $(snmp_secret)" || return 1
	fi
	auth=$(sed -n 's/^auth-passphrase = //p' "$d/credentials-v3")
	priv=$(sed -n 's/^priv-passphrase = //p' "$d/credentials-v3")
	# sysContact cannot be set empty (it takes the rest of the line, quotes and
	# all; without it the agent says "root"): override answers an empty string
	snmpd_start snmp-weak "rocommunity public 127.0.0.1
rocommunity private 127.0.0.1
createUser weak MD5 $auth DES $priv
rouser weak noauth
sysName Switch
sysLocation Kaelderen
override 1.3.6.1.2.1.1.4.0 octet_str \"\"
sysDescr Cisco IOS Software, C2960 Software (C2960-LANBASEK9-M), Version 12.2(55)SE7, RELEASE SOFTWARE (fc1)
sysObjectID .1.3.6.1.4.1.9.1.716
authtrapenable 2"
}

# The hostile UDP peers, one script: `python3 -c "$PY_SNMP_PEER" KIND`. It
# binds a free port of 127.0.0.1 itself and prints "ready PORT" (no race for
# the port); it exits after 300 s without a datagram even if nobody stops it.
PY_SNMP_PEER=$(
	cat <<'EOF'
import socket, sys
kind = sys.argv[1]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
s.settimeout(300)
print("ready", s.getsockname()[1], flush=True)

def length(n):
    if n < 128:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b

def tlv(tag, body):
    return bytes([tag]) + length(len(body)) + body

def integer(v, tag=0x02):
    return tlv(tag, v.to_bytes(max(1, (v.bit_length() + 8) // 8), "big", signed=True))

def read(d, off):
    """(tag, start, end) of the TLV at off; ValueError past the end."""
    tag, n = d[off], d[off + 1]
    off += 2
    if n & 0x80:
        k = n & 0x7F
        if k == 0 or k > 4:
            raise ValueError("length")
        n = int.from_bytes(d[off:off + k], "big")
        off += k
    if off + n > len(d):
        raise ValueError("past the end")
    return tag, off, off + n

def request(d):
    """(version, community, request-id, [OID bytes]) of a v1/v2c request, or None."""
    try:
        t, p, end = read(d, 0)
        t, a, b = read(d, p)
        version = int.from_bytes(d[a:b], "big", signed=True)
        if version not in (0, 1):
            return None
        t, a, cend = read(d, b)
        community = d[a:cend]
        t, p, pend = read(d, cend)
        if t not in (0xA0, 0xA1, 0xA5):
            return None
        t, a, b = read(d, p)
        reqid = int.from_bytes(d[a:b], "big", signed=True)
        t, a, b = read(d, b)
        t, a, b = read(d, b)
        t, p, vend = read(d, b)
        oids = []
        while p < vend:
            t, a, vb_end = read(d, p)
            t, oa, ob = read(d, a)
            oids.append(d[oa:ob])
            p = vb_end
        return version, community, reqid, oids
    except (IndexError, ValueError):
        return None

SYS_OBJECT_ID = bytes([0x2B, 6, 1, 2, 1, 1, 2, 0])
ENTERPRISE_OID = tlv(0x06, bytes([0x2B, 6, 1, 4, 1, 0x86, 0x8D, 0x1F]))   # 1.3.6.1.4.1.99999
WRONG = [integer(12345, 0x41), b"\x05\x00", ENTERPRISE_OID]

def response(version, community, reqid, varbinds, version_field=None):
    vbl = tlv(0x30, b"".join(tlv(0x30, tlv(0x06, o) + v) for o, v in varbinds))
    pdu = tlv(0xA2, integer(reqid) + integer(0) + integer(0) + vbl)
    v = version if version_field is None else version_field
    return tlv(0x30, integer(v) + tlv(0x04, community) + pdu)

def wrongtype(req):
    version, community, reqid, oids = req
    vbs = []
    for i, o in enumerate(oids):
        v = WRONG[i % 3]
        if o == SYS_OBJECT_ID and v == ENTERPRISE_OID:
            v = WRONG[0]
        vbs.append((o, v))
    return [response(version, community, reqid, vbs)]

def oversized(req):
    if req is None:
        return [bytes((i * 37 + 11) % 256 for i in range(65000))]
    version, community, reqid, oids = req
    oids = oids or [bytes([0x2B, 6, 1, 2, 1, 1, 1, 0])]
    fill = 65000
    while True:
        vbs = [(oids[0], tlv(0x04, b"A" * fill))] + [(o, tlv(0x04, b"x")) for o in oids[1:]]
        out = response(version, community, reqid, vbs)
        if len(out) == 65000 or fill <= 0:
            return [out]
        fill -= max(1, len(out) - 65000) if len(out) > 65000 else -1

def malformed(req):
    version, community, reqid, oids = req or (1, b"public", 0, [])
    oids = oids or [bytes([0x2B, 6, 1, 2, 1, 1, 1, 0])]
    good = response(version, community, reqid, [(o, tlv(0x04, b"malformed")) for o in oids])
    body = good[2:] if good[1] < 128 else good[2 + (good[1] & 0x7F):]
    # an OCTET STRING claiming 1000 bytes inside a correctly sized container
    inner = integer(version) + tlv(0x04, community) + tlv(0xA2, integer(reqid) + integer(0)
            + integer(0) + tlv(0x30, tlv(0x30, tlv(0x06, oids[0]) + b"\x04\x82\x03\xe8short")))
    return [
        b"\x30\x84\x7f\xff\xff\xff" + body,                 # outer length past the end
        tlv(0x30, inner),                                   # inner length past its container
        good[: len(good) // 2],                             # a truncated PDU
        response(version, community, reqid,
                 [(o, tlv(0x04, b"x")) for o in oids], version_field=5),
        b"\x30\x80" + body + b"\x00\x00",                   # indefinite length (BER, not SNMP)
    ]

while True:
    try:
        d, peer = s.recvfrom(65535)
    except socket.timeout:
        sys.exit(0)
    if kind == "silent":
        continue
    req = request(d)
    if kind == "wrongtype":
        out = wrongtype(req) if req else []
    elif kind == "oversized":
        out = oversized(req)
    else:
        out = malformed(req)
    for o in out:
        s.sendto(o, peer)
EOF
)

# peer_snmp_hostile KIND: silent, wrongtype, oversized or malformed; sets PEER_PORT.
peer_snmp_hostile() {
	local kind=$1 d _
	case $kind in
	silent | wrongtype | oversized | malformed) ;;
	*)
		echo "# peer_snmp_hostile: unknown kind '$kind'"
		return 1
		;;
	esac
	d=$(peer_dir "snmp-hostile-$kind") || return 1
	"${PY:-python3}" -c "$PY_SNMP_PEER" "$kind" >"$d/log" 2>&1 &
	PEER_PIDS+=("$!")
	PEER_PORT=""
	for _ in $(seq 100); do
		PEER_PORT=$(sed -n 's/^ready //p' "$d/log")
		[ -n "$PEER_PORT" ] && return 0
		sleep 0.05
	done
	echo "# python SNMP peer $kind did not start:"
	sed 's/^/# /' "$d/log"
	return 1
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

# ---- DNS and mail-domain peers -------------------------------------------------
#
#   peer_dns           nsd serving the test zones below on a free port of
#                      127.0.0.1 ($NSD_PORT), and unbound on another
#                      ($PEER_PORT, $DNS_PORT) as the validating resolver
#                      the check asks: every name it resolves goes to nsd
#                      (a stub for "."), so no query leaves loopback; its
#                      trust anchors are good.test's key and, for
#                      bogus.test, a key that did not sign it
#   Zones (MX hosts are 127.0.0.1, the SMTP peer's port given to the check):
#     good.test    signed; one SPF record with an include, DMARC p=reject with
#                  an authorised external rua (reports.test), a DKIM key (s1,
#                  RSA 2048), MTA-STS enforce, TLS-RPT, CAA, DANE TLSA 3 1 1 of
#                  the modern leaf (the SMTP peer's certificate); sub.good.test
#                  has neither DMARC nor CAA of its own and sends no mail
#     bad.test     unsigned; SPF +all, DMARC p=none with an unauthorised rua,
#                  no DKIM, MTA-STS, TLS-RPT, CAA or TLSA
#     loop.test    an SPF include loop; many.test 11 DNS lookups; ten.test 10
#     nomail.test  null MX, "v=spf1 -all", DMARC reject
#     bogus.test   signed, but unbound's anchor is another key: SERVFAIL
#   peer_mtasts        nginx on a free port ($PEER_PORT) of 127.0.0.1 serving
#                      good.test's MTA-STS policy with a leaf for
#                      mta-sts.good.test from the test CA (pki/ca.pem)
#   peer_dns_hostile KIND  a Python DNS server on UDP and TCP of a free port:
#                      silent, garbage (the right id, then nonsense), tc
#                      (every UDP answer truncated, TCP closed at once),
#                      bigtxt (TXT answers of 6000 bytes, over TCP after TC),
#                      loopspf (a fresh include for every name: an endless
#                      SPF tree)
NSD=${NSD:-/usr/sbin/nsd}
UNBOUND=${UNBOUND:-/usr/sbin/unbound}

# free_dns_port: a port free on 127.0.0.1 for both UDP and TCP.
free_dns_port() {
	"${PY:-python3}" - <<'EOF'
import socket
for _ in range(50):
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    t.bind(("127.0.0.1", 0))
    port = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", port))
    except OSError:
        t.close()
        continue
    u.close()
    t.close()
    print(port)
    break
EOF
}

# dns_wait PORT NAME [SECONDS]: until the DNS server on 127.0.0.1:PORT answers
# an SOA question for NAME (any answer); 1 if it never did.
dns_wait() {
	"${PY:-python3}" - "$1" "$2" "${3:-5}" <<'EOF'
import socket, struct, sys, time
port, name, end = int(sys.argv[1]), sys.argv[2], time.time() + float(sys.argv[3])
q = struct.pack(">HHHHHH", 4711, 0x0100, 1, 0, 0, 0)
q += b"".join(bytes([len(l)]) + l.encode() for l in name.split(".")) + b"\0" + struct.pack(">HH", 6, 1)
while time.time() < end:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(0.3)
    try:
        s.sendto(q, ("127.0.0.1", port))
        if s.recv(4096)[:2] == q[:2]:
            sys.exit(0)
    except OSError:
        time.sleep(0.05)
    finally:
        s.close()
sys.exit(1)
EOF
}

# dns_zones DIR: writes the zone files (and signs two) into DIR.
dns_zones() {
	local d=$1 tlsa dkim k
	tlsa=$(openssl x509 -in "$PEER_DIR/pki/modern.pem" -pubkey -noout |
		openssl pkey -pubin -outform DER | sha256sum | cut -d' ' -f1)
	[ -e "$d/dkim.pem" ] || openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
		-out "$d/dkim.pem" 2>/dev/null
	dkim=$(openssl pkey -in "$d/dkim.pem" -pubout -outform DER | base64 -w0)
	soa() { printf '$ORIGIN %s.\n$TTL 300\n@ SOA ns.%s. hostmaster.%s. 1 3600 600 86400 300\n@ NS ns.%s.\nns A 127.0.0.1\n' "$1" "$1" "$1" "$1"; }
	{
		soa good.test
		cat <<-EOF
		@ MX 10 mx.good.test.
		mx A 127.0.0.1
		@ TXT "v=spf1 ip4:192.0.2.0/24 include:_spf.good.test -all"
		_spf TXT "v=spf1 ip4:198.51.100.0/24 mx -all"
		_dmarc TXT "v=DMARC1; p=reject; rua=mailto:dmarc@good.test,mailto:agg@reports.test"
		s1._domainkey TXT "v=DKIM1; k=rsa; " "p=${dkim:0:200}" "${dkim:200:200}" "${dkim:400}"
		_mta-sts TXT "v=STSv1; id=20261129T000000;"
		mta-sts A 127.0.0.1
		_smtp._tls TXT "v=TLSRPTv1; rua=mailto:tlsrpt@good.test"
		@ CAA 0 issue "letsencrypt.org"
		@ CAA 0 iodef "mailto:security@good.test"
		_25._tcp.mx TLSA 3 1 1 $tlsa
		sub TXT "v=spf1 -all"
		sub MX 0 .
		EOF
	} >"$d/good.test.zone"
	{
		soa bad.test
		cat <<-'EOF'
		@ MX 10 mx.bad.test.
		mx A 127.0.0.1
		@ TXT "v=spf1 mx +all"
		_dmarc TXT "v=DMARC1; p=none; rua=mailto:dmarc@elsewhere.test"
		EOF
	} >"$d/bad.test.zone"
	{
		soa reports.test
		echo 'good.test._report._dmarc TXT "v=DMARC1"'
	} >"$d/reports.test.zone"
	{
		soa loop.test
		echo '@ TXT "v=spf1 include:a.loop.test -all"'
		echo 'a TXT "v=spf1 include:loop.test -all"'
		echo '_dmarc TXT "v=DMARC1; p=reject"'
	} >"$d/loop.test.zone"
	for k in many ten; do
		{
			soa $k.test
			echo "@ TXT \"v=spf1 a mx include:i1.$k.test -all\""
			echo "i1 TXT \"v=spf1 a mx include:i2.$k.test -all\""
			echo "i2 TXT \"v=spf1 a mx include:i3.$k.test -all\""
			if [ $k = many ]; then echo 'i3 TXT "v=spf1 a mx -all"'; else echo 'i3 TXT "v=spf1 a -all"'; fi
			echo '_dmarc TXT "v=DMARC1; p=reject"'
		} >"$d/$k.test.zone"
	done
	{
		soa nomail.test
		echo '@ MX 0 .'
		echo '@ TXT "v=spf1 -all"'
		echo '_dmarc TXT "v=DMARC1; p=reject"'
	} >"$d/nomail.test.zone"
	{
		soa bogus.test
		echo '@ TXT "v=spf1 -all"'
	} >"$d/bogus.test.zone"
	soa test >"$d/test.zone"	# the parent: other names under test. do not exist
	(
		set -e
		cd "$d"
		for z in good.test bogus.test; do
			[ -e "$z.key" ] || { k=$(ldns-keygen -a ECDSAP256SHA256 -k "$z") && for f in "$k".*; do mv "$f" "$z.${f##*.}"; done; }
		done
		[ -e other.key ] || { k=$(ldns-keygen -a ECDSAP256SHA256 -k bogus.test) && for f in "$k".*; do mv "$f" "other.${f##*.}"; done; }
		for z in good.test bogus.test; do
			ldns-signzone -n -f "$z.zone.signed" "$z.zone" "$z"
		done
	) >"$d/sign.log" 2>&1 || { sed 's/^/# /' "$d/sign.log"; return 1; }
}

peer_dns() {
	local d z
	tls_pki && tls_leaf modern p256 90 DNS:localhost int sha256 || return 1
	d=$(peer_dir dns) || return 1
	dns_zones "$d" || return 1
	NSD_PORT=$(free_dns_port)
	{
		cat <<-EOF
		server:
		  ip-address: 127.0.0.1@$NSD_PORT
		  port: $NSD_PORT
		  zonesdir: "$d"
		  pidfile: "$d/nsd.pid"
		  database: ""
		  zonelistfile: "$d/zone.list"
		  xfrdfile: "$d/xfrd.state"
		  xfrdir: "$d"
		  logfile: "$d/nsd.log"
		  username: ""
		  chroot: ""
		  verbosity: 1
		  hide-version: yes
		  server-count: 1
		remote-control:
		  control-enable: no
		EOF
		printf 'zone:\n  name: test\n  zonefile: "test.zone"\n'
		for z in good bad reports loop many ten nomail bogus; do
			f=$z.test.zone
			[ -e "$d/$f.signed" ] && f=$f.signed
			printf 'zone:\n  name: %s.test\n  zonefile: "%s"\n' "$z" "$f"
		done
	} >"$d/nsd.conf"
	"$NSD" -d -c "$d/nsd.conf" >"$d/nsd.out" 2>&1 &
	PEER_PIDS+=("$!")
	if ! dns_wait "$NSD_PORT" good.test; then
		echo "# nsd did not start:"
		sed 's/^/# /' "$d/nsd.out" "$d/nsd.log" 2>/dev/null
		return 1
	fi
	DNS_PORT=$(free_dns_port)
	cat >"$d/unbound.conf" <<-EOF
	server:
	  interface: 127.0.0.1@$DNS_PORT
	  port: $DNS_PORT
	  do-daemonize: no
	  username: ""
	  chroot: ""
	  directory: "$d"
	  pidfile: "$d/unbound.pid"
	  use-syslog: no
	  logfile: "$d/unbound.log"
	  verbosity: 1
	  num-threads: 1
	  so-reuseport: no
	  do-ip6: no
	  do-not-query-localhost: no
	  access-control: 127.0.0.0/8 allow
	  module-config: "validator iterator"
	  trust-anchor-file: "$d/good.test.key"
	  trust-anchor-file: "$d/other.key"
	  val-log-level: 1
	  qname-minimisation: no
	  harden-referral-path: no
	  target-fetch-policy: "0 0 0 0 0"
	  local-zone: "test." nodefault
	  domain-insecure: "bad.test"
	# every name goes to nsd on loopback, the test zones and the rest (which it refuses)
	stub-zone:
	  name: "."
	  stub-addr: 127.0.0.1@$NSD_PORT
	EOF
	for z in test good.test bad.test reports.test loop.test many.test ten.test nomail.test bogus.test; do
		printf 'stub-zone:\n  name: "%s"\n  stub-addr: 127.0.0.1@%s\n' "$z" "$NSD_PORT"
	done >>"$d/unbound.conf"
	"$UNBOUND" -d -c "$d/unbound.conf" >"$d/unbound.out" 2>&1 &
	PEER_PIDS+=("$!")
	if ! dns_wait "$DNS_PORT" good.test; then
		echo "# unbound did not start:"
		sed 's/^/# /' "$d/unbound.out" "$d/unbound.log" 2>/dev/null
		return 1
	fi
	PEER_PORT=$DNS_PORT
}

peer_mtasts() {
	local p="$PEER_DIR/pki"
	tls_pki && tls_leaf mtasts p256 90 DNS:mta-sts.good.test int sha256 || return 1
	nginx_start mtasts "ssl_certificate $p/mtasts.chain;
			ssl_certificate_key $p/mtasts.key;
			ssl_protocols TLSv1.2 TLSv1.3;
			location = /.well-known/mta-sts.txt {
				default_type text/plain;
				return 200 \"version: STSv1\\r\\nmode: enforce\\r\\nmx: mx.good.test\\r\\nmax_age: 604800\\r\\n\";
			}"
}

# The hostile DNS server: `python3 -c "$PY_DNS" KIND PORT`.
PY_DNS=$(
	cat <<'EOF'
import socket, struct, sys, threading
kind, port = sys.argv[1], int(sys.argv[2])

def question(q):
    i, labels = 12, []
    while i < len(q) and q[i]:
        labels.append(q[i + 1:i + 1 + q[i]].decode("ascii", "replace"))
        i += 1 + q[i]
    qtype = struct.unpack(">H", q[i + 1:i + 3])[0] if i + 3 <= len(q) else 0
    return ".".join(labels), qtype, q[12:i + 5]

def txt(strings):
    rd = b"".join(bytes([len(s)]) + s for s in strings)
    return b"\xc0\x0c" + struct.pack(">HHIH", 16, 1, 60, len(rd)) + rd

def answer(q, tcp):
    name, qtype, qsec = question(q)
    flags = 0x8180
    recs = []
    if kind == "garbage":
        return q[:2] + bytes((i * 37 + 11) % 256 for i in range(300))
    if kind == "tc" and not tcp:
        flags |= 0x0200
    elif kind == "bigtxt" and qtype == 16:
        if not tcp:
            flags |= 0x0200
        else:
            recs.append(txt([b"v=spf1 " + b"a" * 240] + [b"b" * 250] * 23))
    elif kind == "loopspf" and qtype == 16:
        depth = name.count(".")
        recs.append(txt([("v=spf1 include:x%d.%s include:y%d.%s -all" % (depth, name, depth, name)).encode()[:255]]))
    return q[:2] + struct.pack(">HHHHH", flags, 1, len(recs), 0, 0) + qsec + b"".join(recs)

def udp():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", port))
    while True:
        q, a = s.recvfrom(4096)
        if kind != "silent" and len(q) > 12:
            s.sendto(answer(q, False), a)

def conn(c):
    try:
        c.settimeout(10)
        if kind in ("tc", "silent"):
            if kind == "silent":
                c.recv(4096)
            c.close()
            return
        l = struct.unpack(">H", c.recv(2))[0]
        q = b""
        while len(q) < l:
            q += c.recv(l - len(q))
        a = answer(q, True)
        c.sendall(struct.pack(">H", len(a)) + a)
        c.close()
    except Exception:
        c.close()

t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
t.bind(("127.0.0.1", port))
t.listen(16)
threading.Thread(target=udp, daemon=True).start()
while True:
    c, _ = t.accept()
    threading.Thread(target=conn, args=(c,), daemon=True).start()
EOF
)

peer_dns_hostile() {
	local d
	d=$(peer_dir "dns-$1") || return 1
	PEER_PORT=$(free_dns_port)
	"${PY:-python3}" -c "$PY_DNS" "$1" "$PEER_PORT" >"$d/log" 2>&1 &
	PEER_PIDS+=("$!")
	if ! wait_port 127.0.0.1 "$PEER_PORT"; then
		echo "# hostile DNS peer $1 did not start:"
		sed 's/^/# /' "$d/log"
		return 1
	fi
}

# ---- web sites ---------------------------------------------------------------
#
#   peer_web good|bad|other  nginx with an HTTPS site on $PEER_PORT and a plain
#                      HTTP site on $HTTP_PORT, both on 127.0.0.1 and ::1, the
#                      modern leaf (DNS:localhost) from the test CA:
#     good   HTTP redirects to https://localhost:PORT/, HSTS two years,
#            nosniff, X-Frame-Options DENY, a strict CSP, no-referrer,
#            /.well-known/security.txt with Contact and an Expires 180 days on
#     bad    HTTP answers 200, HSTS max-age=300, no X-Content-Type-Options,
#            X-Frame-Options ALLOWALL, CSP "default-src *" with
#            'unsafe-inline' scripts, unsafe-url, security.txt only at the
#            legacy /security.txt and expired
#     other  as good, but HTTP redirects to https://www.other.example/
peer_web() {
	local kind=$1 d p="$PEER_DIR/pki" user="" https http expires
	tls_pki && tls_leaf modern p256 90 DNS:localhost int sha256 || return 1
	d=$(peer_dir "web-$kind") || return 1
	PEER_PORT=$(free_port)
	HTTP_PORT=$(free_port)
	mkdir -p "$d/tmp"
	[ "$(id -u)" -eq 0 ] && user="user root;"
	expires=$(date -u -d '+180 days' +%Y-%m-%dT%H:%M:%SZ)
	case $kind in
	good | other)
		https="add_header Strict-Transport-Security \"max-age=63072000; includeSubDomains\" always;
			add_header X-Content-Type-Options nosniff always;
			add_header X-Frame-Options DENY always;
			add_header Content-Security-Policy \"default-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'\" always;
			add_header Referrer-Policy no-referrer always;
			location = /.well-known/security.txt {
				default_type \"text/plain; charset=utf-8\";
				return 200 \"Contact: mailto:security@good.test\\nExpires: $expires\\n\";
			}"
		if [ "$kind" = good ]; then
			http="return 301 https://localhost:$PEER_PORT\$request_uri;"
		else
			http="return 301 https://www.other.example/;"
		fi
		;;
	bad)
		https="add_header Strict-Transport-Security max-age=300 always;
			add_header X-Frame-Options ALLOWALL always;
			add_header Content-Security-Policy \"default-src *; script-src 'self' 'unsafe-inline'\" always;
			add_header Referrer-Policy unsafe-url always;
			location = /.well-known/security.txt { return 404; }
			location = /security.txt {
				default_type \"text/plain; charset=utf-8\";
				return 200 \"Contact: mailto:security@bad.test\\nExpires: 2020-01-01T00:00:00Z\\n\";
			}"
		http="location / { return 200 \"plain http\\n\"; }"
		;;
	*)
		echo "# peer_web: unknown kind '$kind'"
		return 1
		;;
	esac
	cat >"$d/nginx.conf" <<-EOF
	worker_processes 1;
	pid $d/nginx.pid;
	error_log $d/error.log info;
	$user
	events { worker_connections 256; }
	http {
		access_log off;
		client_body_temp_path $d/tmp/body;
		proxy_temp_path $d/tmp/proxy;
		fastcgi_temp_path $d/tmp/fastcgi;
		uwsgi_temp_path $d/tmp/uwsgi;
		scgi_temp_path $d/tmp/scgi;
		server {
			listen 127.0.0.1:$PEER_PORT ssl;
			listen [::1]:$PEER_PORT ssl;
			server_name localhost;
			ssl_certificate $p/modern.chain;
			ssl_certificate_key $p/modern.key;
			ssl_protocols TLSv1.2 TLSv1.3;
			$https
			location / { return 200 "cyberbaseline test site\n"; }
		}
		server {
			listen 127.0.0.1:$HTTP_PORT;
			listen [::1]:$HTTP_PORT;
			server_name localhost;
			$http
		}
	}
	EOF
	"$NGINX" -p "$d" -e "$d/error.log" -c "$d/nginx.conf" -g 'daemon off;' >"$d/stdout" 2>&1 &
	PEER_PIDS+=("$!")
	if ! wait_port 127.0.0.1 "$PEER_PORT" || ! wait_port 127.0.0.1 "$HTTP_PORT"; then
		echo "# nginx web-$kind did not start:"
		sed 's/^/# /' "$d/error.log" "$d/stdout" 2>/dev/null
		return 1
	fi
}
