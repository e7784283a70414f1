#!/usr/bin/env python3
"""Silent MX host for the MailFlowTools lab.

Listens on the given addresses (port 25 by default), completes the TCP
handshake (the kernel does that), accepts, and never sends a byte. Client data
is read and thrown away. A connection is closed when the peer closes it or
after --hold seconds. Standard library only.

usage: silent.py [--port 25] [--hold 600] ADDR [ADDR ...]
"""
import argparse
import selectors
import signal
import socket
import sys
import time


def listener(addr: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if family == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.bind((addr, port))
    s.listen(128)
    s.setblocking(False)
    return s


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=25)
    ap.add_argument("--hold", type=float, default=600.0)
    ap.add_argument("--max-conns", type=int, default=500)
    ap.add_argument("addrs", nargs="+")
    a = ap.parse_args()

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    sel = selectors.DefaultSelector()
    for addr in a.addrs:
        sel.register(listener(addr, a.port), selectors.EVENT_READ, "listen")
    conns: dict[socket.socket, float] = {}

    def drop(c: socket.socket) -> None:
        sel.unregister(c)
        conns.pop(c, None)
        c.close()

    print(f"silent: listening on {a.addrs} port {a.port}", flush=True)
    while True:
        for key, _ in sel.select(timeout=5.0):
            s = key.fileobj
            if key.data == "listen":
                try:
                    c, peer = s.accept()
                except OSError:
                    continue
                c.setblocking(False)
                if len(conns) >= a.max_conns:
                    drop(min(conns, key=conns.get))
                conns[c] = time.monotonic()
                sel.register(c, selectors.EVENT_READ, "conn")
                print(f"silent: accepted {peer[0]} port {peer[1]}", flush=True)
            else:
                try:
                    data = s.recv(65536)
                except OSError:
                    data = b""
                if not data:
                    drop(s)
        now = time.monotonic()
        for c, t in list(conns.items()):
            if now - t > a.hold:
                drop(c)


if __name__ == "__main__":
    sys.exit(main())
