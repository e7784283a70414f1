#!/usr/bin/env python3
"""Writes N realistic Postfix log lines (the mix of a busy relay) for tests/bench/maillog.sh.

Per message: smtpd connect, client=, cleanup message-id, qmgr from=, one smtp delivery line per recipient
(about 85 % sent, 11 % deferred with the path phrases of docs/log-phrases.md and greylisting, 4 % bounced),
qmgr removed, smtpd disconnect; now and then a host-failure line before the deferral, anvil and warning lines.
Deterministic (seeded), documentation addresses only.
"""
import random
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000000
out = sys.stdout
rng = random.Random(20)
domains = [f"d{i:03d}.example" for i in range(400)]
months = "Dec"
alphabet = "0123456789ABCDEF"

DEFER = [
    ("4.4.2", "lost connection with {h}[{a}] while sending end of data -- message may be sent more than once"),
    ("4.4.2", "conversation with {h}[{a}] timed out while sending message body"),
    ("4.4.2", "conversation with {h}[{a}] timed out while receiving the initial server greeting"),
    ("4.4.3", "Host or domain name not found. Name service error for name={d} type=MX: Host not found, try again"),
    ("4.4.1", "connect to {h}[{a}]:25: Connection timed out"),
    ("4.4.1", "connect to {h}[{a}]:25: Connection refused"),
    ("4.7.1", "host {h}[{a}] said: 450 4.7.1 <{r}>: Recipient address rejected: Greylisted, see https://grey.example/ (in reply to RCPT TO command)"),
]
BOUNCE = "host {h}[{a}] said: 550 5.1.1 <{r}>: Recipient address rejected: User unknown in local recipient table (in reply to RCPT TO command)"


def qid():
    return "".join(rng.choice(alphabet) for _ in range(10))


written = 0
second = 0
pid = 1000
while written < n:
    second += rng.randint(0, 2)
    h, m, s = (second // 3600) % 24, (second // 60) % 60, second % 60
    ts = f"{months} {1 + (second // 86400) % 28:2d} {h:02d}:{m:02d}:{s:02d} mail"
    q = qid()
    pid += 1
    client = f"192.0.2.{rng.randint(1, 254)}"
    d = domains[int(rng.paretovariate(1.2)) % len(domains)]
    host = "mx1." + d
    addr = f"203.0.113.{rng.randint(1, 254)}"
    rcpts = [f"user{rng.randint(1, 5000)}@{d}" for _ in range(1 if rng.random() < 0.8 else rng.randint(2, 4))]
    lines = [
        f"{ts} postfix/smtpd[{pid}]: connect from client{pid % 97}.example.org[{client}]",
        f"{ts} postfix/smtpd[{pid}]: {q}: client=client{pid % 97}.example.org[{client}]",
        f"{ts} postfix/cleanup[{pid + 1}]: {q}: message-id=<{q}.{second}@example.org>",
        f"{ts} postfix/qmgr[900]: {q}: from=<sender{pid % 300}@example.org>, size={rng.randint(2000, 400000)}, nrcpt={len(rcpts)} (queue active)",
    ]
    for r in rcpts:
        x = rng.random()
        relay = f"{host}[{addr}]:25"
        if x < 0.85:
            lines.append(f"{ts} postfix/smtp[{pid + 2}]: {q}: to=<{r}>, relay={relay}, delay=1.2, delays=0.1/0/0.3/0.8, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as {qid()})")
        elif x < 0.96:
            dsn, reason = rng.choice(DEFER)
            text = reason.format(h=host, a=addr, d=d, r=r)
            if rng.random() < 0.2 and "greeting" in text:
                lines.append(f"{ts} postfix/smtp[{pid + 2}]: {q}: {text}")
            rel = "none" if dsn in ("4.4.3", "4.4.1") else relay
            lines.append(f"{ts} postfix/smtp[{pid + 2}]: {q}: to=<{r}>, relay={rel}, delay=301, delays=0.1/0/0.3/300, dsn={dsn}, status=deferred ({text})")
        else:
            lines.append(f"{ts} postfix/smtp[{pid + 2}]: {q}: to=<{r}>, relay={relay}, delay=0.9, delays=0.1/0/0.4/0.4, dsn=5.1.1, status=bounced ({BOUNCE.format(h=host, a=addr, r=r)})")
    lines.append(f"{ts} postfix/qmgr[900]: {q}: removed")
    lines.append(f"{ts} postfix/smtpd[{pid}]: disconnect from client{pid % 97}.example.org[{client}] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5")
    if rng.random() < 0.02:
        lines.append(f"{ts} postfix/anvil[800]: statistics: max connection rate 3/60s for (smtp:{client}) at {months} 6 {h:02d}:{m:02d}:{s:02d}")
    if rng.random() < 0.01:
        lines.append(f"{ts} postfix/smtpd[{pid}]: warning: hostname client{pid}.example.org does not resolve to address {client}")
    for line in lines:
        if written >= n:
            break
        out.write(line + "\n")
        written += 1
