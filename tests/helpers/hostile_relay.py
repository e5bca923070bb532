#!/usr/bin/env python3
"""A hostile peer on loopback, for tests/integration/test_hostile.sh.

    hostile_relay.py MODE KIND PORTFILE [UPSTREAM_PORT [PLAIN]]

Listens on 127.0.0.1 and ::1 (TCP kinds) or 127.0.0.1 (UDP kinds) on a free port,
writes the port to PORTFILE, and turns the real peer at 127.0.0.1:UPSTREAM_PORT into
a hostile one. KIND says the protocol: ssh, tls, http, smtp (TCP); snmp, dns (UDP).
MODE:

  silent     accepts and reads, never answers
  drip       relays the real peer's answers one byte per second (UDP: each answer
             after 1.5 s)
  oversized  a protocol-shaped answer that never ends (TCP: 64 MiB at most; UDP: a
             65,000-byte datagram)
  garbage    answers random bytes (a fixed seed, so a run can be repeated)
  reset      relays half of the real peer's first answer, then resets the
             connection (UDP: relays the first answer, then closes the port, so
             that later requests meet ICMP port unreachable)
  vtg        valid, then garbage: relays the real peer's first message whole (the
             SSH or SMTP greeting line, the first TLS record, the HTTP status line;
             UDP: the first answer), then random bytes instead of the rest

PLAIN (TCP): the first PLAIN connections are relayed faithfully, the hostile mode
applies from the next one on (check_baseline_ssh: a sound banner and KEXINIT, then
hostile key exchanges). Runs until killed. Nothing but 127.0.0.1 and ::1 is ever used.
"""
import os
import random
import select
import socket
import struct
import sys
import threading
import time

MODE, KIND, PORTFILE = sys.argv[1], sys.argv[2], sys.argv[3]
UPSTREAM = ("127.0.0.1", int(sys.argv[4])) if len(sys.argv) > 4 else None
PLAIN = int(sys.argv[5]) if len(sys.argv) > 5 else 0
UDP = KIND in ("snmp", "dns")
OVERSIZE = 64 << 20
rng = random.Random(20261129)
rng_lock = threading.Lock()


def garbage(n=4096):
    with rng_lock:
        return bytes(rng.getrandbits(8) for _ in range(n))


def reset(conn):
    """Closes conn with a TCP RST rather than a FIN."""
    try:
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    conn.close()


# ---- TCP ---------------------------------------------------------------------------

def first_unit(buf):
    """Length of the first whole protocol message in buf, or 0 if not yet whole."""
    if KIND == "tls":
        if len(buf) >= 5:
            n = 5 + (buf[3] << 8 | buf[4])
            return n if len(buf) >= n else 0
        return 0
    i = buf.find(b"\n")
    return i + 1 if i >= 0 else 0


def oversized_stream(conn):
    """A message of the protocol's shape that never ends."""
    if KIND == "ssh":
        head, fill = b"SSH-2.0-", b"A" * 65536
    elif KIND == "smtp":
        head, fill = b"220-", b"x" * 65536
    elif KIND == "http":
        conn.recv(65536)
        head, fill = b"HTTP/1.1 200 OK\r\nX-Filler: ", b"a" * 65536
    else:  # tls: a handshake message claiming 16 MiB, in full-size records
        conn.recv(65536)
        rec = b"\x16\x03\x03\x40\x00"
        head = rec + b"\x02\xff\xff\xff" + b"\0" * (0x4000 - 4)
        fill = (rec + b"\0" * 0x4000) * 4
    sent = 0
    conn.sendall(head)
    while sent < OVERSIZE:
        conn.sendall(fill)
        sent += len(fill)


def pump(src, dst, per_byte=0.0):
    """Copies src to dst until either closes; per_byte: seconds between bytes."""
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            if per_byte:
                for i in range(len(data)):
                    dst.sendall(data[i:i + 1])
                    time.sleep(per_byte)
            else:
                dst.sendall(data)
    except OSError:
        pass
    for s in (src, dst):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def garbage_forever(conn):
    """Random bytes now and after each thing the client says."""
    conn.sendall(garbage())
    while True:
        r, _, _ = select.select([conn], [], [], 30)
        if not r or not conn.recv(65536):
            return
        conn.sendall(garbage())


def serve_plain(conn):
    up = socket.create_connection(UPSTREAM, timeout=10)
    up.settimeout(None)
    t = threading.Thread(target=pump, args=(conn, up), daemon=True)
    t.start()
    pump(up, conn)
    t.join()
    up.close()
    conn.close()


def serve_tcp(conn):
    up = None
    try:
        if MODE == "silent":
            while True:
                r, _, _ = select.select([conn], [], [], 60)
                if not r or not conn.recv(65536):
                    return
        if MODE == "garbage":
            garbage_forever(conn)
            return
        if MODE == "oversized":
            oversized_stream(conn)
            return
        up = socket.create_connection(UPSTREAM, timeout=10)
        up.settimeout(None)
        if MODE == "drip":
            t = threading.Thread(target=pump, args=(conn, up), daemon=True)
            t.start()
            pump(up, conn, per_byte=1.0)
            return
        # reset and vtg: one thread, so that closing conn really closes it (a thread
        # blocked in recv() on it would keep the socket open and the RST unsent)
        buf = b""
        while True:
            r, _, _ = select.select([conn, up], [], [], 30)
            if not r:
                return
            if conn in r:
                data = conn.recv(65536)
                if not data:
                    return
                up.sendall(data)
            if up not in r:
                continue
            data = up.recv(65536)
            if not data:
                return
            buf += data
            if MODE == "reset":
                conn.sendall(buf[:max(1, len(buf) // 2)])
                time.sleep(0.1)
                reset(conn)
                conn = None
                return
            n = first_unit(buf)
            if n:
                conn.sendall(buf[:n])
                up.close()
                up = None
                garbage_forever(conn)
                return
    except OSError:
        pass
    finally:
        if up is not None:
            up.close()
        if conn is not None:
            conn.close()


def main_tcp():
    socks = []
    a = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    a.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    a.bind(("127.0.0.1", 0))
    port = a.getsockname()[1]
    socks.append(a)
    try:
        b = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        b.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        b.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        b.bind(("::1", port))
        socks.append(b)
    except OSError:
        pass
    for s in socks:
        s.listen(64)
    with open(PORTFILE + ".tmp", "w") as f:
        f.write("%d\n" % port)
    os.rename(PORTFILE + ".tmp", PORTFILE)
    n = 0
    while True:
        r, _, _ = select.select(socks, [], [])
        for s in r:
            conn, _ = s.accept()
            n += 1
            serve = serve_plain if n <= PLAIN else serve_tcp
            threading.Thread(target=serve, args=(conn,), daemon=True).start()


# ---- UDP ---------------------------------------------------------------------------

def oversized_datagram(req):
    if KIND == "dns" and len(req) >= 2:
        # the query's id, a response with 65535 answers, and filler
        return req[:2] + b"\x81\x80\x00\x01\xff\xff\x00\x00\x00\x00" + b"\xc0\x0c" * 32490
    # snmp: a SEQUENCE claiming 64,996 bytes
    return b"\x30\x82\xfd\xe4" + b"\x04\x82\xfd\xe0" + b"\0" * 64992


def main_udp():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    with open(PORTFILE + ".tmp", "w") as f:
        f.write("%d\n" % port)
    os.rename(PORTFILE + ".tmp", PORTFILE)
    answered = 0
    while True:
        req, client = s.recvfrom(65536)
        if MODE == "silent":
            continue
        if MODE == "garbage":
            s.sendto(garbage(rng.randint(1, 512)), client)
            continue
        if MODE == "oversized":
            s.sendto(oversized_datagram(req), client)
            continue
        if MODE == "vtg" and answered:
            s.sendto(garbage(rng.randint(1, 512)), client)
            continue
        # drip, reset, vtg's first: ask the real peer
        up = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        up.settimeout(3)
        try:
            up.sendto(req, UPSTREAM)
            ans = up.recv(65536)
        except OSError:
            continue
        finally:
            up.close()
        if MODE == "drip":
            threading.Timer(1.5, lambda a=ans, c=client: s.sendto(a, c)).start()
            continue
        s.sendto(ans, client)
        answered += 1
        if MODE == "reset":
            s.close()
            while True:  # the port stays closed: ICMP port unreachable from now on
                time.sleep(3600)


if __name__ == "__main__":
    if MODE not in ("silent", "drip", "oversized", "garbage", "reset", "vtg"):
        sys.exit("hostile_relay: unknown mode " + MODE)
    main_udp() if UDP else main_tcp()
