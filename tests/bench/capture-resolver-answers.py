#!/usr/bin/env python3
"""Captures answers from the lab's Unbound resolver (198.51.100.56) as test fixtures, standard library only.
Run inside the client namespace:

    ip netns exec mfl-client python3 tests/bench/capture-resolver-answers.py tests/Fixtures/dns

Writes unbound.<name>-<type>-udp-<bufsize>-do.bin: the raw DNS message of each answer (RD=1, EDNS with DO).
Knot's authoritative answers in the same folder come from tests/MailFlowTools.Fuzz (capture-dns).
"""
import os
import random
import socket
import struct
import sys

RESOLVER = "198.51.100.56"
TYPES = {"A": 1, "SOA": 6, "MX": 15}
QUERIES = [
    ("healthy.lab.test", "MX", 1232),   # validated: AD=1
    ("big.lab.test", "MX", 4096),       # the signed 30-MX answer through the resolver
    ("big.lab.test", "MX", 1232),       # too big for 1232: TC=1
    ("nosuch.lab.test", "MX", 1232),    # NXDOMAIN, validated
    ("mail.example", "MX", 1232),       # outside the lab: NXDOMAIN from the resolver itself
]


def query(name, qtype, bufsize):
    qid = random.randrange(65536)
    header = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 1)  # RD=1
    qname = b"".join(bytes([len(p)]) + p.encode("ascii") for p in name.split(".") if p) + b"\0"
    opt = b"\0" + struct.pack(">HHIH", 41, bufsize, 0x00008000, 0)  # EDNS0, DO
    return qid, header + qname + struct.pack(">HH", TYPES[qtype], 1) + opt


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    for name, qtype, bufsize in QUERIES:
        qid, msg = query(name, qtype, bufsize)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(3)
            s.sendto(msg, (RESOLVER, 53))
            data, _ = s.recvfrom(65535)
        if struct.unpack(">H", data[:2])[0] != qid:
            sys.exit(f"{name}: reply ID does not match")
        path = os.path.join(out_dir, f"unbound.{name}-{qtype.lower()}-udp-{bufsize}-do.bin")
        with open(path, "wb") as f:
            f.write(data)
        print(f"{os.path.basename(path)}: {len(data)} bytes")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/Fixtures/dns")
