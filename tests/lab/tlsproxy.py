#!/usr/bin/env python3
"""STARTTLS front ends for the MailFlowTools lab, modelled on fixup.py. Each relays SMTP to an upstream
server (Postfix on 198.51.100.25), one command and one reply at a time, in one of two modes:

  mask       an ESMTP inspection box (Cisco ASA/PIX "inspect esmtp"): the STARTTLS line of every EHLO
             reply becomes "250-XXXXXXXA" (same length), and a STARTTLS command never reaches the server:
             the box answers "500 5.5.1 Command unrecognized". The greeting is passed unchanged.
  terminate  a TLS front end: answers STARTTLS itself with the certificate given (a lab CA certificate for
             the MX names), then relays the plain session to the upstream; the upstream's own STARTTLS offer
             is removed from replies after TLS.

Nothing is ever delivered through it that the client did not send; DATA is relayed line by line.
Standard library only.

usage: tlsproxy.py --mode mask|terminate [--cert F --key F] [--port 25] [--upstream 198.51.100.25] ADDR [ADDR ...]
"""
import argparse
import signal
import socket
import ssl
import sys
import threading

TIMEOUT = 120


class Lines:
    """Buffered CRLF line reader over a socket that may be swapped for its TLS wrapper."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def line(self):
        while b"\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                return None
            self.buf += chunk
            if len(self.buf) > 1 << 20:
                return None
        line, self.buf = self.buf.split(b"\n", 1)
        return line + b"\n"

    def reply(self):
        """A whole (multi-line) SMTP reply as a list of lines, or None."""
        lines = []
        while True:
            line = self.line()
            if line is None:
                return None
            lines.append(line)
            if len(line) < 4 or line[3:4] != b"-":
                return lines


def fix_reply(lines, mode, tls):
    """Rewrite an EHLO reply: mask STARTTLS (mask mode) or drop it once TLS is up (terminate mode)."""
    out = []
    for l in lines:
        keyword = l[4:].strip().upper()
        if keyword == b"STARTTLS":
            if mode == "mask":
                l = l[:4] + b"XXXXXXXA\r\n"
            elif tls:
                continue
        out.append(l)
    # keep the last line's separator a space
    if out and len(out[-1]) >= 4 and out[-1][3:4] == b"-":
        out[-1] = out[-1][:3] + b" " + out[-1][4:]
    return b"".join(out)


def handle(c, peer, a, ctx):
    tag = f"{peer[0]}:{peer[1]}"
    try:
        s = socket.create_connection((a.upstream, a.upstream_port), timeout=10)
    except OSError as e:
        print(f"tlsproxy {tag}: upstream failed: {e}", flush=True)
        c.close()
        return
    c.settimeout(TIMEOUT)
    s.settimeout(TIMEOUT)
    up = Lines(s)
    down = Lines(c)
    tls = False
    try:
        greeting = up.reply()
        if greeting is None:
            return
        c.sendall(b"".join(greeting))
        while True:
            cmd = down.line()
            if cmd is None:
                return
            verb = cmd.strip().split(b" ")[0].upper()
            if verb == b"STARTTLS" and not tls:
                if a.mode == "mask":
                    c.sendall(b"500 5.5.1 Command unrecognized\r\n")
                    print(f"tlsproxy {tag}: STARTTLS refused (masked)", flush=True)
                    continue
                c.sendall(b"220 2.0.0 Ready to start TLS\r\n")
                c = ctx.wrap_socket(c, server_side=True)
                down = Lines(c)
                tls = True
                print(f"tlsproxy {tag}: TLS {c.version()}", flush=True)
                continue
            s.sendall(cmd)
            reply = up.reply()
            if reply is None:
                return
            if verb in (b"EHLO",):
                c.sendall(fix_reply(reply, a.mode, tls))
            else:
                c.sendall(b"".join(reply))
            if verb == b"DATA" and reply[0].startswith(b"354"):
                while True:
                    line = down.line()
                    if line is None:
                        return
                    s.sendall(line)
                    if line.rstrip(b"\r\n") == b".":
                        break
                reply = up.reply()
                if reply is None:
                    return
                c.sendall(b"".join(reply))
            if verb == b"QUIT":
                return
    except (OSError, ssl.SSLError) as e:
        print(f"tlsproxy {tag}: {e}", flush=True)
    finally:
        for x in (c, s):
            try:
                x.close()
            except OSError:
                pass


def serve(ls, a, ctx):
    while True:
        try:
            c, peer = ls.accept()
        except OSError:
            continue
        threading.Thread(target=handle, args=(c, peer, a, ctx), daemon=True).start()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=("mask", "terminate"), required=True)
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--port", type=int, default=25)
    ap.add_argument("--upstream", default="198.51.100.25")
    ap.add_argument("--upstream-port", type=int, default=25)
    ap.add_argument("addrs", nargs="+")
    a = ap.parse_args()
    ctx = None
    if a.mode == "terminate":
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.cert, a.key)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    threads = []
    for addr in a.addrs:
        fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
        ls = socket.socket(fam, socket.SOCK_STREAM)
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if fam == socket.AF_INET6:
            ls.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        ls.bind((addr, a.port))
        ls.listen(64)
        t = threading.Thread(target=serve, args=(ls, a, ctx), daemon=True)
        t.start()
        threads.append(t)
    print(f"tlsproxy {a.mode}: listening on {a.addrs} port {a.port}, upstream {a.upstream}:{a.upstream_port}", flush=True)
    for t in threads:
        t.join()
    return 0


if __name__ == "__main__":
    sys.exit(main())
