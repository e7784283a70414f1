#!/usr/bin/env python3
"""Captures real lab answers for the parser benchmark (standard library only). Run inside the client namespace:

    ip netns exec mfl-client python3 tests/bench/capture-fixtures.py tests/Fixtures/LabAnswers

Writes dns/<name>-<type>-<transport>.bin (the raw DNS message, without the TCP length prefix) from Knot on
198.51.100.53 with EDNS bufsize 4096 and DO, and smtp/session.txt (the raw bytes of every reply of an SMTP
session with Postfix on 198.51.100.25 that stops before DATA: nothing is delivered).
"""
import os
import random
import socket
import struct
import sys

DNS_SERVER = "198.51.100.53"
SMTP_SERVER = "198.51.100.25"
TYPES = {"A": 1, "NS": 2, "SOA": 6, "MX": 15, "TXT": 16, "AAAA": 28, "DNSKEY": 48}
QUERIES = [
    ("big.lab.test", "MX", "udp"),       # ~4,000 bytes, 30 MX with RRSIGs and glue
    ("big.lab.test", "MX", "tcp"),       # the whole answer, ~13,000 bytes
    ("healthy.lab.test", "MX", "udp"),
    ("mx1.lab.test", "A", "udp"),
    ("mx1.lab.test", "AAAA", "udp"),
    ("lab.test", "DNSKEY", "udp"),
    ("lab.test", "SOA", "udp"),
    ("lab.test", "NS", "udp"),
    ("nosuch.lab.test", "MX", "udp"),    # NXDOMAIN with NSEC proofs
    ("cname.lab.test", "MX", "udp"),
    ("nullmx.lab.test", "MX", "udp"),
    ("d0001.bulk.test", "MX", "udp"),    # unsigned zone
]


def query(name, qtype):
    qid = random.randrange(65536)
    header = struct.pack(">HHHHHH", qid, 0x0000, 1, 0, 0, 1)
    qname = b"".join(bytes([len(p)]) + p.encode("ascii") for p in name.split(".") if p) + b"\0"
    question = qname + struct.pack(">HH", TYPES[qtype], 1)
    opt = b"\0" + struct.pack(">HHIH", 41, 4096, 0x00008000, 0)  # EDNS0, bufsize 4096, DO
    return header + question + opt


def ask_udp(msg):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(3)
        s.sendto(msg, (DNS_SERVER, 53))
        data, _ = s.recvfrom(65535)
        return data


def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise OSError("connection closed")
        buf += chunk
    return buf


def ask_tcp(msg):
    with socket.create_connection((DNS_SERVER, 53), timeout=3) as s:
        s.sendall(struct.pack(">H", len(msg)) + msg)
        (length,) = struct.unpack(">H", recv_exact(s, 2))
        return recv_exact(s, length)


def smtp_session():
    """Banner, EHLO, MAIL, three RCPTs (accepted, unknown user, relay denied), RSET, NOOP, QUIT."""
    commands = [b"EHLO client.lab.test", b"MAIL FROM:<probe@lab.test>", b"RCPT TO:<postmaster@lab.test>",
                b"RCPT TO:<unknown@lab.test>", b"RCPT TO:<someone@example.invalid>", b"RSET", b"NOOP", b"QUIT"]
    out = b""
    with socket.create_connection((SMTP_SERVER, 25), timeout=10) as s:
        f = s.makefile("rb")

        def reply():
            data = b""
            while True:
                line = f.readline(8192)
                if not line:
                    raise OSError("connection closed")
                data += line
                if len(line) >= 4 and line[3:4] == b" ":
                    return data

        out += reply()
        for c in commands:
            s.sendall(c + b"\r\n")
            out += reply()
    return out


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "tests/Fixtures/LabAnswers"
    os.makedirs(os.path.join(root, "dns"), exist_ok=True)
    os.makedirs(os.path.join(root, "smtp"), exist_ok=True)
    for name, qtype, transport in QUERIES:
        msg = query(name, qtype)
        answer = ask_udp(msg) if transport == "udp" else ask_tcp(msg)
        path = os.path.join(root, "dns", f"{name}-{qtype}-{transport}.bin")
        with open(path, "wb") as f:
            f.write(answer)
        print(f"{path}: {len(answer)} bytes")
    path = os.path.join(root, "smtp", "session.txt")
    with open(path, "wb") as f:
        f.write(smtp_session())
    print(f"{path}: {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    main()
