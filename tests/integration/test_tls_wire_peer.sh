#!/usr/bin/env bash
# common/tls_wire.c against real peers, loopback only, through the helper
# $BUILD/tests/tls_hello (sends our SSLv2 or SSLv3 ClientHello, prints what
# the parser makes of the answer).
#
#   s_server    openssl s_server (Debian's OpenSSL 3: no SSLv3, no SSLv2), at
#               the default security level and at level 0: must REFUSE both
#   http        python3 peer answering "HTTP/1.1 400 Bad Request": BAD
#   ssl3-emu    python3 SSLv3 server: parses our hello on its own (every length
#               checked) and answers a ServerHello for RSA_WITH_3DES_EDE_CBC_SHA
#   ssl2-emu    python3 SSLv2 server: the same for SSL_CK_DES_192_EDE3_CBC_WITH_MD5
#   close       python3 peer that closes without answering: REFUSED
#
# Every peer is started here and stopped by PID on exit. Prints TAP.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build/rel}
HELLO=$BUILD/tests/tls_hello
PY=/usr/bin/python3
OPENSSL=/usr/bin/openssl
export LC_ALL=C

T=$(mktemp -d /tmp/cyberbaseline-test.XXXXXX)
PIDS=()
# shellcheck disable=SC2034  # read by scripts/peers.sh
PEER_DIR=$T
# shellcheck source=scripts/peers.sh
. scripts/peers.sh	# free_port, wait_port, peers_stop

n=0
failed=0
cleanup() {
	peers_stop "${PIDS[@]}"
	rm -rf "$T"
}
trap cleanup EXIT

ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
finish() {
	echo "1..$n"
	[ "$failed" -eq 0 ]
	exit
}

for need in "$HELLO" "$PY" "$OPENSSL"; do
	if [ ! -x "$need" ]; then
		not_ok "prerequisite '$need' exists (make $HELLO)"
		finish
	fi
done

# hello PROTO PORT WHAT PATTERN: runs the helper; ok when it exits 0 and its
# line matches the shell pattern.
hello() {
	local proto=$1 port=$2 what=$3 pattern=$4 out rc
	out=$(timeout 10 "$HELLO" "$proto" "$port" 2>&1)
	rc=$?
	# shellcheck disable=SC2254
	case "$out" in
	$pattern)
		if [ "$rc" -eq 0 ]; then
			ok "$what: $out"
			return
		fi
		;;
	esac
	not_ok "$what"
	echo "# tls_hello $proto $port: exit $rc, output: $out"
	echo "# expected: $pattern"
}

# started NAME PORT PID: the peer listens; otherwise its log as diagnostics.
started() {
	if wait_port 127.0.0.1 "$2" 5; then
		ok "$1 peer listens on 127.0.0.1:$2"
		return 0
	fi
	not_ok "$1 peer listens on 127.0.0.1:$2"
	sed 's/^/# /' "$T/$1.log"
	return 1
}

# ---- openssl s_server ---------------------------------------------------------

if ! "$OPENSSL" req -x509 -newkey rsa:2048 -nodes -keyout "$T/key.pem" -out "$T/cert.pem" \
	-days 2 -subj /CN=localhost >"$T/req.log" 2>&1; then
	not_ok "throw-away certificate generated"
	sed 's/^/# /' "$T/req.log"
	finish
fi

# s_server NAME [OPTIONS...]: starts one on a free port; sets PORT.
s_server() {
	local name=$1
	shift
	PORT=$(free_port)
	"$OPENSSL" s_server -accept "127.0.0.1:$PORT" -cert "$T/cert.pem" -key "$T/key.pem" \
		-quiet "$@" </dev/null >"$T/$name.log" 2>&1 &
	PIDS+=($!)
	started "$name" "$PORT"
}

if s_server s_server; then
	hello ssl3 "$PORT" "OpenSSL 3 s_server refuses SSLv3" "REFUSED *"
	hello ssl2 "$PORT" "OpenSSL 3 s_server refuses SSLv2" "REFUSED *"
fi
if s_server s_server-seclevel0 -cipher 'ALL:@SECLEVEL=0' -legacy_renegotiation; then
	hello ssl3 "$PORT" "OpenSSL 3 s_server at security level 0 refuses SSLv3" "REFUSED *"
	hello ssl2 "$PORT" "OpenSSL 3 s_server at security level 0 refuses SSLv2" "REFUSED *"
fi

# ---- python3 peers ------------------------------------------------------------

cat >"$T/peer.py" <<'EOF'
# peer.py MODE PORT: answers every connection on 127.0.0.1:PORT once, then closes it.
import socket, struct, sys

mode, port = sys.argv[1], int(sys.argv[2])
SSL3_SUITES = [0x000A, 0x0005]          # the emulated SSLv3 server's preference
SSL2_SPECS = [0x0700C0]                 # the emulated SSLv2 server's only spec

def alert(desc):
    return bytes([21, 3, 0, 0, 2, 2, desc])

def ssl3(hello):
    """A strict SSLv3 ClientHello parser: every length must match exactly."""
    try:
        typ, ver, rlen = struct.unpack(">BHH", hello[:5])
        if typ != 22 or ver != 0x0300 or rlen != len(hello) - 5:
            return alert(50)
        body = hello[5:]
        if body[0] != 1 or int.from_bytes(body[1:4], "big") != len(body) - 4:
            return alert(50)
        p = 4
        if struct.unpack(">H", body[p:p + 2])[0] != 0x0300:
            return alert(70)
        p += 2 + 32
        p += 1 + body[p]                                # session id
        n = struct.unpack(">H", body[p:p + 2])[0]
        if n % 2 or n == 0:
            return alert(50)
        offered = struct.unpack(">%dH" % (n // 2), body[p + 2:p + 2 + n])
        p += 2 + n
        comp = body[p + 1:p + 1 + body[p]]
        p += 1 + body[p]
        if p != len(body) or 0 not in comp or 0x00FF not in offered:
            return alert(50)                            # no extensions in SSLv3
    except (struct.error, IndexError):
        return alert(50)
    for s in SSL3_SUITES:
        if s in offered:
            sh = struct.pack(">H", 0x0300) + b"\x42" * 32 + b"\x00" + struct.pack(">HB", s, 0)
            hs = b"\x02" + len(sh).to_bytes(3, "big") + sh
            return struct.pack(">BHH", 22, 0x0300, len(hs)) + hs
    return alert(40)

def ssl2(hello):
    """A strict SSLv2 CLIENT-HELLO parser; SSLv2 ERROR no-cipher or nothing."""
    if len(hello) < 11 or not hello[0] & 0x80:
        return b""
    rlen = (hello[0] & 0x7F) << 8 | hello[1]
    m = hello[2:]
    if rlen != len(m) or m[0] != 1:
        return b""
    ver, nspecs, nsid, nchal = struct.unpack(">HHHH", m[1:9])
    if ver != 2 or nspecs % 3 or nsid not in (0, 16) or not 16 <= nchal <= 32 \
            or 9 + nspecs + nsid + nchal != len(m):
        return b""
    specs = [int.from_bytes(m[9 + i:12 + i], "big") for i in range(0, nspecs, 3)]
    for s in SSL2_SPECS:
        if s in specs:
            cert, connid = b"\x30" * 32, b"\x07" * 16
            sh = bytes([4, 0, 1]) + struct.pack(">HHHH", 2, len(cert), 3, len(connid)) \
                + cert + s.to_bytes(3, "big") + connid
            return struct.pack(">H", 0x8000 | len(sh)) + sh
    return bytes([0x80, 3, 0, 0, 1])

srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", port))
srv.listen(8)
while True:
    c, _ = srv.accept()
    c.settimeout(3)
    try:
        hello = c.recv(4096)
        if mode == "http":
            c.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        elif mode == "ssl3-emu":
            c.sendall(ssl3(hello))
        elif mode == "ssl2-emu":
            c.sendall(ssl2(hello))
    except OSError:
        pass
    c.close()
EOF

# py_peer MODE: starts peer.py MODE on a free port; sets PORT.
py_peer() {
	PORT=$(free_port)
	"$PY" "$T/peer.py" "$1" "$PORT" >"$T/$1.log" 2>&1 &
	PIDS+=($!)
	started "$1" "$PORT"
}

if py_peer http; then
	hello ssl3 "$PORT" "HTTP server answers the SSLv3 hello: not SSL/TLS" \
		"BAD not SSL/TLS: first byte 0x48 ('HTTP/1.1 400 Bad Request')"
	hello ssl2 "$PORT" "HTTP server answers the SSLv2 hello: not SSL/TLS" \
		"BAD not SSL/TLS: first byte 0x48*"
fi
if py_peer ssl3-emu; then
	hello ssl3 "$PORT" "emulated SSLv3 server accepts our SSLv3 hello" \
		"ACCEPTED version 0x0300 cipher 0x000a compression 0"
	hello ssl2 "$PORT" "emulated SSLv3 server refuses our SSLv2 hello" \
		"REFUSED alert 2/50 *"
fi
if py_peer ssl2-emu; then
	hello ssl2 "$PORT" "emulated SSLv2 server accepts our SSLv2 hello" \
		"ACCEPTED version 0x0002 cipher 0x0700c0 compression 0"
	hello ssl3 "$PORT" "emulated SSLv2 server closes on our SSLv3 hello" \
		"REFUSED closed without an answer"
fi
if py_peer close; then
	hello ssl3 "$PORT" "peer that closes without answering: refused" \
		"REFUSED closed without an answer"
fi

finish
