#!/usr/bin/env python3
"""Small SMTP/TCP probes used by the lab self-tests. Standard library only.

  probe.py connect HOST [--port 25] [--timeout 3]
      prints one of: banner <line> | silent | refused | timeout | error <text>
  probe.py envelope HOST SIZE [--timeout 3]
      after the banner and EHLO, writes a pipelined envelope (MAIL, RCPT..., RSET)
      of exactly SIZE bytes in one write; prints how many replies came back.
      exit 0 if all replies arrived, 1 if not.
  probe.py stall HOST [--bytes 262144] [--timeout 8] [--idle 2]
      sends a message of about BYTES bytes; prints bytes sent and acknowledged
      (from the socket's unacknowledged-queue size) and whether the final reply
      came. exit 0 if the message was accepted, 1 if the flow stalled.
  probe.py splitdot HOST [--timeout 5]
      sends a small message whose final '.' and CRLF go in separate packets.
      exit 0 if the message was accepted, 1 if no reply came.
"""
import argparse
import fcntl
import select
import socket
import struct
import sys
import time

SIOCOUTQ = 0x5411  # TIOCOUTQ: bytes not yet acknowledged by the peer


def connect(host: str, port: int, timeout: float) -> socket.socket:
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect((host, port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


class Reader:
    def __init__(self, s: socket.socket):
        self.s = s
        self.buf = b""

    def line(self, deadline: float) -> bytes | None:
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self.s.settimeout(left)
            try:
                chunk = self.s.recv(65536)
            except (socket.timeout, TimeoutError):
                return None
            if not chunk:
                return None
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line + b"\n"

    def reply(self, deadline: float) -> list[bytes] | None:
        lines = []
        while True:
            l = self.line(deadline)
            if l is None:
                return None
            lines.append(l.rstrip(b"\r\n"))
            if len(l) < 4 or l[3:4] != b"-":
                return lines


def session_start(host: str, port: int, timeout: float) -> tuple[socket.socket, Reader]:
    s = connect(host, port, timeout)
    r = Reader(s)
    dl = time.monotonic() + timeout
    if r.reply(dl) is None:
        raise RuntimeError("no banner")
    s.sendall(b"EHLO probe.lab.test\r\n")
    rep = r.reply(time.monotonic() + timeout)
    if rep is None or not rep[-1].startswith(b"250"):
        raise RuntimeError(f"EHLO failed: {rep!r}")
    return s, r


def cmd(s: socket.socket, r: Reader, line: str, want: str, timeout: float) -> list[bytes]:
    s.sendall(line.encode() + b"\r\n")
    rep = r.reply(time.monotonic() + timeout)
    if rep is None or not rep[-1].decode(errors="replace").startswith(want):
        raise RuntimeError(f"{line!r}: unexpected reply {rep!r}")
    return rep


def do_connect(a) -> int:
    try:
        s = connect(a.host, a.port, a.timeout)
    except ConnectionRefusedError:
        print("refused")
        return 2
    except (socket.timeout, TimeoutError):
        print("timeout")
        return 3
    except OSError as e:
        print(f"error {e}")
        return 5
    line = Reader(s).line(time.monotonic() + a.timeout)
    s.close()
    if line is None:
        print("silent")
        return 4
    print("banner " + line.decode(errors="replace").rstrip("\r\n"))
    return 0


def envelope(size: int) -> tuple[bytes, int]:
    rcpt = b"RCPT TO:<postmaster@lab.test>\r\n"
    fixed = len(b"MAIL FROM:<@lab.test>\r\n") + len(b"RSET\r\n")
    n = max(1, (size - fixed - 10) // len(rcpt))
    filler = size - fixed - n * len(rcpt)
    if filler < 1:
        raise SystemExit(f"size {size} too small")
    data = b"MAIL FROM:<" + b"p" * filler + b"@lab.test>\r\n" + rcpt * n + b"RSET\r\n"
    assert len(data) == size, (len(data), size)
    return data, n + 2


def do_envelope(a) -> int:
    s, r = session_start(a.host, a.port, a.timeout)
    data, want = envelope(a.size)
    s.sendall(data)
    got = 0
    dl = time.monotonic() + a.timeout
    while got < want:
        if r.reply(dl) is None:
            break
        got += 1
    s.close()
    ok = got == want
    print(f"size={a.size} commands={want} replies={got} result={'ok' if ok else 'lost'}")
    return 0 if ok else 1


def do_stall(a) -> int:
    s, r = session_start(a.host, a.port, a.timeout)
    cmd(s, r, "MAIL FROM:<probe@lab.test>", "250", a.timeout)
    cmd(s, r, "RCPT TO:<postmaster@lab.test>", "250", a.timeout)
    cmd(s, r, "DATA", "354", a.timeout)
    line = b"X" * 76 + b"\r\n"
    body = b"Subject: stall probe\r\n\r\n" + line * (a.bytes // len(line)) + b".\r\n"
    s.setblocking(False)
    sent = 0
    acked = 0
    last_progress = time.monotonic()
    deadline = time.monotonic() + a.timeout
    reply = None
    while time.monotonic() < deadline:
        want_w = [s] if sent < len(body) else []
        rl, wl, _ = select.select([s], want_w, [], 0.1)
        if wl:
            try:
                sent += s.send(body[sent:sent + 65536])
            except BlockingIOError:
                pass
        if rl:
            try:
                chunk = s.recv(4096)
            except BlockingIOError:
                chunk = b""
            if chunk:
                reply = chunk.decode(errors="replace").strip()
                break
        outq = struct.unpack("i", fcntl.ioctl(s, SIOCOUTQ, b"\0\0\0\0"))[0]
        now_acked = sent - outq
        if now_acked > acked:
            acked = now_acked
            last_progress = time.monotonic()
        elif time.monotonic() - last_progress > a.idle:
            break
    s.close()
    ok = reply is not None and reply.startswith("250")
    print(f"bytes={len(body)} sent={sent} acked={acked} "
          f"result={'accepted' if ok else 'stalled'} reply={reply or 'none'}")
    return 0 if ok else 1


def do_splitdot(a) -> int:
    s, r = session_start(a.host, a.port, a.timeout)
    cmd(s, r, "MAIL FROM:<probe@lab.test>", "250", a.timeout)
    cmd(s, r, "RCPT TO:<postmaster@lab.test>", "250", a.timeout)
    cmd(s, r, "DATA", "354", a.timeout)
    s.sendall(b"Subject: split dot\r\n\r\nhello\r\n")
    time.sleep(0.3)
    s.sendall(b".")
    time.sleep(0.3)
    s.sendall(b"\r\n")
    rep = r.reply(time.monotonic() + a.timeout)
    s.close()
    text = b" ".join(rep).decode(errors="replace") if rep else "none"
    print(f"reply={text}")
    return 0 if rep and rep[-1].startswith(b"250") else 1


def main() -> int:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("connect")
    p.add_argument("host")
    p.add_argument("--port", type=int, default=25)
    p.add_argument("--timeout", type=float, default=3.0)
    p = sub.add_parser("envelope")
    p.add_argument("host")
    p.add_argument("size", type=int)
    p.add_argument("--port", type=int, default=25)
    p.add_argument("--timeout", type=float, default=3.0)
    p = sub.add_parser("stall")
    p.add_argument("host")
    p.add_argument("--port", type=int, default=25)
    p.add_argument("--bytes", type=int, default=262144)
    p.add_argument("--timeout", type=float, default=8.0)
    p.add_argument("--idle", type=float, default=2.0)
    p = sub.add_parser("splitdot")
    p.add_argument("host")
    p.add_argument("--port", type=int, default=25)
    p.add_argument("--timeout", type=float, default=5.0)
    a = ap.parse_args()
    try:
        return {"connect": do_connect, "envelope": do_envelope,
                "stall": do_stall, "splitdot": do_splitdot}[a.cmd](a)
    except (OSError, RuntimeError) as e:
        print(f"error {e}")
        return 5


if __name__ == "__main__":
    sys.exit(main())
