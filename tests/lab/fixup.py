#!/usr/bin/env python3
"""SMTP "fixup" box for the MailFlowTools lab (imitates PIX "fixup protocol smtp").

Relays every connection to an upstream SMTP server and:
  * masks the 220 greeting: every character except '2', '0' and ' ' becomes
    '*', so "220 mx.lab.test ESMTP ..." arrives as "220 *****...0****";
  * loses the end of data when '.' and its CRLF arrive in separate reads
    (packets): the CRLF after the lone '.' is swallowed, so the server never
    sees the end of the message and the client waits for a reply until it
    times out.
After a successful STARTTLS the connection is relayed untouched.
With --lose-end-of-data the box drops the connection at the end of data instead: once the client's
CRLF '.' CRLF arrives, nothing from the '.' on is relayed and both connections are closed, so the server
never sees the end (nothing is queued) and the client loses the connection while it waits for the reply
to the dot. In that mode CHUNKING and STARTTLS are masked in EHLO replies (as an ESMTP inspection does),
so every client ends its data with a dot and the box always sees it.
Standard library only.

usage: fixup.py [--port 25] [--upstream 198.51.100.25] [--upstream-port 25] [--lose-end-of-data] ADDR [ADDR ...]
"""
import argparse
import signal
import socket
import sys
import threading

KEEP = set(b"20 ")


def mask_line(line: bytes) -> bytes:
    body = line.rstrip(b"\r\n")
    end = line[len(body):]
    return bytes(c if c in KEEP else ord("*") for c in body) + end


class Session:
    lose_end_of_data = False

    def __init__(self, client: socket.socket, upstream: socket.socket, tag: str):
        self.c = client
        self.s = upstream
        self.tag = tag
        self.lock = threading.Lock()
        self.data_mode = False
        self.tls = False
        self.starttls_pending = False
        self.tail = b""

    def log(self, msg: str) -> None:
        print(f"fixup {self.tag}: {msg}", flush=True)

    # server -> client
    def down(self) -> None:
        buf = b""
        try:
            # 1. the greeting, masked
            while True:
                chunk = self.s.recv(4096)
                if not chunk:
                    return
                buf += chunk
                lines = buf.split(b"\n")
                done = any(len(l) >= 4 and l[3:4] == b" " for l in lines[:-1])
                if done:
                    break
            last = buf.rfind(b"\n") + 1
            head, buf = buf[:last], buf[last:]
            masked = b"".join(mask_line(l) for l in head.splitlines(keepends=True))
            self.c.sendall(masked + buf)
            self.log(f"greeting {head.strip()!r} -> {masked.strip()!r}")
            line = buf
            # 2. everything else as it comes; watch replies for 354 and STARTTLS
            while True:
                chunk = self.s.recv(65536)
                if not chunk:
                    return
                with self.lock:
                    if not self.tls and self.lose_end_of_data:
                        chunk = chunk.replace(b"CHUNKING", b"XXXXXXXX").replace(b"STARTTLS", b"XXXXXXXX")
                    if not self.tls:
                        line += chunk
                        *complete, line = line.split(b"\n")
                        for l in complete:
                            if l.startswith(b"354"):
                                self.data_mode = True
                                self.tail = b"\r\n"
                            elif self.starttls_pending and l.startswith(b"220"):
                                self.tls = True
                                self.log("STARTTLS: relaying untouched from now on")
                            elif self.starttls_pending and l[:1] in (b"4", b"5"):
                                self.starttls_pending = False
                self.c.sendall(chunk)
        except OSError:
            return
        finally:
            shut(self.c)

    # client -> server
    def up(self) -> None:
        line = b""
        try:
            while True:
                chunk = self.c.recv(65536)
                if not chunk:
                    return
                with self.lock:
                    if not self.tls:
                        if self.data_mode and self.lose_end_of_data:
                            chunk, ended = self.lose_end(chunk)
                            if ended:
                                if chunk:
                                    self.s.sendall(chunk)
                                return
                        elif self.data_mode:
                            chunk = self.data_chunk(chunk)
                        else:
                            line += chunk
                            *complete, line = line.split(b"\n")
                            for l in complete:
                                if l.strip().upper() == b"STARTTLS":
                                    self.starttls_pending = True
                if chunk:
                    self.s.sendall(chunk)
        except OSError:
            return
        finally:
            shut(self.s)

    def lose_end(self, chunk: bytes):
        """The chunk to relay, and whether the end of data came: then only what precedes the '.' is relayed."""
        joined = self.tail + chunk
        pos = joined.find(b"\r\n.\r\n")
        if pos < 0:
            self.tail = joined[-5:]
            return chunk, False
        self.log("end of data: '.' not relayed, both connections closed")
        return chunk[:max(0, pos + 2 - len(self.tail))], True

    def data_chunk(self, chunk: bytes) -> bytes:
        if self.tail.endswith(b"\r\n.") and chunk.startswith(b"\r\n"):
            # The bug: '.' and CRLF in separate packets -> end of data is lost.
            self.log("'.' and CRLF arrived in separate packets: CRLF swallowed")
            chunk = chunk[2:]
            self.tail = b""
            return chunk
        joined = self.tail + chunk
        pos = joined.find(b"\r\n.\r\n")
        if pos >= 0:
            self.data_mode = False
            self.tail = b""
        else:
            self.tail = joined[-5:]
        return chunk


def shut(s: socket.socket) -> None:
    try:
        s.shutdown(socket.SHUT_WR)
    except OSError:
        pass


def serve(lsock: socket.socket, upstream: str, uport: int) -> None:
    while True:
        try:
            c, peer = lsock.accept()
        except OSError:
            continue
        threading.Thread(target=handle, args=(c, peer, upstream, uport), daemon=True).start()


def handle(c: socket.socket, peer, upstream: str, uport: int) -> None:
    tag = f"{peer[0]}:{peer[1]}"
    try:
        s = socket.create_connection((upstream, uport), timeout=10)
        s.settimeout(None)
    except OSError as e:
        print(f"fixup {tag}: upstream failed: {e}", flush=True)
        c.close()
        return
    for x in (c, s):
        x.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sess = Session(c, s, tag)
    t = threading.Thread(target=sess.down, daemon=True)
    t.start()
    sess.up()
    t.join()
    c.close()
    s.close()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=25)
    ap.add_argument("--upstream", default="198.51.100.25")
    ap.add_argument("--upstream-port", type=int, default=25)
    ap.add_argument("--lose-end-of-data", action="store_true")
    ap.add_argument("addrs", nargs="+")
    a = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    Session.lose_end_of_data = a.lose_end_of_data
    threads = []
    for addr in a.addrs:
        fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
        ls = socket.socket(fam, socket.SOCK_STREAM)
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if fam == socket.AF_INET6:
            ls.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        ls.bind((addr, a.port))
        ls.listen(64)
        t = threading.Thread(target=serve, args=(ls, a.upstream, a.upstream_port), daemon=True)
        t.start()
        threads.append(t)
    print(f"fixup: listening on {a.addrs} port {a.port}, upstream {a.upstream}:{a.upstream_port}", flush=True)
    for t in threads:
        t.join()
    return 0


if __name__ == "__main__":
    sys.exit(main())
