#!/usr/bin/env bash
# The native mailflow against tracepath and swaks on a private three-namespace path of its own, for when the shared
# lab is down or busy:
#
#   bash tests/bench/native-private.sh [--runs N] [--baseline PATH] [--domains N]
#
# client (203.0.113.10) -> router -> server (203.0.113.20); the router's far side has MTU 1400 and sends "too big"
# (ICMP rate limits off, as in the lab); the server runs a small SMTP responder with STARTTLS (python3 ssl, a
# throwaway self-signed certificate). Tasks, alternating run by run, route cache flushed before every PMTU run:
#   control-path PMTU       mailflow Find-MtuBlackHole 203.0.113.20        vs tracepath -n
#   SMTP to RCPT, STARTTLS  mailflow Get-SmtpStageTiming --stop-after Rcpt vs swaks --tls --quit-after RCPT
#   Test-MxPath on N domains (default 500; 0 skips; knotd on the server answers MX, A, TXT and TLSA, all pointing at
#   the responder), --throttle-limit 1 and 32: wall time, CPU per domain (user + system / N), peak RSS
# --baseline PATH runs a second native build in the same rounds (before/after). Namespaces are named after this
# process and removed at the end. Writes tests/bench/results/native-private-latest.md. Needs root; no lab.
set -euo pipefail
{
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
RUNS=9
BASELINE=
DOMAINS=500
while [ $# -gt 0 ]; do
    case $1 in
        --runs) RUNS=$2; shift 2 ;;
        --baseline) BASELINE=$2; shift 2 ;;
        --domains) DOMAINS=$2; shift 2 ;;
        -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
done
say() { printf 'native-private: %s\n' "$*" >&2; }
[ "$(id -u)" = 0 ] || { say "must run as root (network namespaces)"; exit 2; }
NATIVE=$REPO/out/native/mailflow
[ -x "$NATIVE" ] || { say "no native mailflow at $NATIVE (build.ps1 -Native)"; exit 2; }
for tool in swaks tracepath python3 openssl; do command -v "$tool" >/dev/null || { say "needs $tool"; exit 2; }; done

ID=$$
C=mfl-pb-c$ID; R=mfl-pb-r$ID; S=mfl-pb-s$ID
WORK=$(mktemp -d /tmp/mailflow-native-private.XXXXXX)
finish() {
    [ -f "$WORK/responder.pid" ] && kill "$(cat "$WORK/responder.pid")" 2>/dev/null || true
    [ -f "$WORK/knot.pid" ] && kill "$(cat "$WORK/knot.pid")" 2>/dev/null || true
    for n in $C $R $S; do ip netns del "$n" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap finish EXIT

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=mx.private.test -keyout "$WORK/key.pem" -out "$WORK/cert.pem" >/dev/null 2>&1
cat >"$WORK/smtp.py" <<'PY'
import asyncio, ssl, sys
ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
ctx.load_cert_chain(sys.argv[2], sys.argv[3])
async def session(r, w):
    w.write(b"220 mx.private.test ESMTP\r\n"); await w.drain()
    tls = False
    while line := await r.readline():
        cmd = line[:8].upper()
        if cmd.startswith(b"QUIT"):
            w.write(b"221 2.0.0 bye\r\n"); await w.drain(); break
        if cmd.startswith(b"EHLO"):
            w.write(b"250-mx.private.test\r\n250-PIPELINING\r\n" + (b"" if tls else b"250-STARTTLS\r\n") + b"250 8BITMIME\r\n")
        elif cmd.startswith(b"STARTTLS"):
            w.write(b"220 2.0.0 Ready to start TLS\r\n"); await w.drain()
            await w.start_tls(ctx); tls = True; continue
        elif cmd.startswith(b"RCPT"):
            w.write(b"250 2.1.5 Ok\r\n")
        else:
            w.write(b"250 2.0.0 Ok\r\n")
        await w.drain()
    w.close()
async def main():
    server = await asyncio.start_server(session, sys.argv[1], 25)
    await server.serve_forever()
asyncio.run(main())
PY

for n in $C $R $S; do ip netns add "$n"; done
ip link add ta netns "$C" type veth peer name tr0 netns "$R"
ip link add tb netns "$S" type veth peer name tr1 netns "$R"
ip -n "$C" addr add 203.0.113.10/28 dev ta
ip -n "$R" addr add 203.0.113.1/28 dev tr0
ip -n "$R" addr add 203.0.113.17/28 dev tr1
ip -n "$S" addr add 203.0.113.20/28 dev tb
for n in $C $R $S; do ip -n "$n" link set lo up; done
ip -n "$C" link set ta up; ip -n "$R" link set tr0 up; ip -n "$R" link set tr1 up mtu 1400; ip -n "$S" link set tb up mtu 1400
ip -n "$C" route add default via 203.0.113.1
ip -n "$S" route add default via 203.0.113.17
ip netns exec "$R" sysctl -qw net.ipv4.ip_forward=1 net.ipv4.icmp_ratelimit=0 net.ipv4.icmp_msgs_per_sec=100000
ip netns exec "$C" sysctl -qw net.ipv4.tcp_mtu_probing=0
ip netns exec "$S" python3 "$WORK/smtp.py" 203.0.113.20 "$WORK/cert.pem" "$WORK/key.pem" >"$WORK/responder.log" 2>&1 &
echo $! >"$WORK/responder.pid"
for _ in $(seq 1 50); do ip netns exec "$C" bash -c 'exec 3<>/dev/tcp/203.0.113.20/25' 2>/dev/null && break; sleep 0.1; done

RAW=$WORK/raw.tsv
one() { # TASK TOOL CHECK CMD...
    local task=$1 tool=$2 check=$3 t0 t1 ok; shift 3
    t0=$EPOCHREALTIME
    ip netns exec "$C" "$@" >"$WORK/out" 2>&1 || true
    t1=$EPOCHREALTIME
    ok=1; grep -Eq "$check" "$WORK/out" || ok=0
    printf '%s\t%s\t%s\t%s\n' "$task" "$tool" "$(( (${t1/./} - ${t0/./}) / 1000 ))" "$ok" >>"$RAW"
}
flush() { ip netns exec "$C" ip route flush cache; }

say "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $RUNS runs per tool"
load_before=$(cut -d' ' -f1 /proc/loadavg)
for i in $(seq 1 "$RUNS"); do
    flush; one pmtu mailflow '"PathMtu": 1400' "$NATIVE" Find-MtuBlackHole 203.0.113.20 --json
    flush; one pmtu tracepath 'pmtu 1400' tracepath -n 203.0.113.20
    if [ -n "$BASELINE" ]; then flush; one pmtu baseline '"PathMtu": 1400' "$BASELINE" Find-MtuBlackHole 203.0.113.20 --json; fi
    one smtp mailflow '"Stage": "RcptTo"' "$NATIVE" Get-SmtpStageTiming 203.0.113.20 --stop-after Rcpt --json
    one smtp swaks '250 2.1.5' swaks --server 203.0.113.20 --tls --quit-after RCPT --to postmaster@private.test \
        --from probe@private.test --helo client.private.test --timeout 10
    if [ -n "$BASELINE" ]; then one smtp baseline '"Stage": "RcptTo"' "$BASELINE" Get-SmtpStageTiming 203.0.113.20 --stop-after Rcpt --json; fi
    one start mailflow 'Commands:' "$NATIVE" --help
done

# Test-MxPath: every domain's MX is the responder; the TLS policy lookups get NXDOMAIN (no MTA-STS, no TLSA).
MX=$WORK/mxpath.tsv
if [ "$DOMAINS" -gt 0 ] && command -v knotd >/dev/null; then
    mkdir -p "$WORK/knot"
    {
        echo '$ORIGIN bulk.test.'; echo '$TTL 300'
        echo '@ SOA ns.private.test. hostmaster.private.test. 1 3600 600 86400 300'; echo '@ NS ns.private.test.'
        seq -f 'd%04g MX 10 mx.private.test.' 1 "$DOMAINS"
    } >"$WORK/knot/bulk.test.zone"
    printf '$ORIGIN private.test.\n$TTL 300\n@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\nns A 203.0.113.20\nmx A 203.0.113.20\n' >"$WORK/knot/private.test.zone"
    printf 'server:\n    listen: 203.0.113.20@53\n    rundir: %s\ndatabase:\n    storage: %s\ntemplate:\n  - id: default\n    storage: %s\n    semantic-checks: off\nzone:\n  - domain: bulk.test\n    file: bulk.test.zone\n  - domain: private.test\n    file: private.test.zone\n' \
        "$WORK/knot" "$WORK/knot" "$WORK/knot" >"$WORK/knot/knot.conf"
    ip netns exec "$S" knotd -c "$WORK/knot/knot.conf" >"$WORK/knot/knotd.log" 2>&1 &
    echo $! >"$WORK/knot.pid"
    sleep 1
    seq -f 'd%04g.bulk.test' 1 "$DOMAINS" >"$WORK/domains.txt"
    mxpath() { # TOOL BINARY THROTTLE
        ip netns exec "$C" /usr/bin/time -f '%e %U %S %M' -o "$WORK/time" "$2" Test-MxPath --dns-server 203.0.113.20 \
            --throttle-limit "$3" --json <"$WORK/domains.txt" >"$WORK/mx.json" 2>/dev/null || true
        printf '%s\t%s\t%s\t%s\n' "$1" "$3" "$(cat "$WORK/time" | tail -n 1)" "$(jq -s '[.[][] | select(.Reachable == true)] | length' "$WORK/mx.json")" >>"$MX"
    }
    for throttle in 1 32; do
        say "Test-MxPath, $DOMAINS domains, throttle $throttle"
        mxpath mailflow "$NATIVE" "$throttle"
        if [ -n "$BASELINE" ]; then mxpath baseline "$BASELINE" "$throttle"; fi
    done
fi
load_after=$(cut -d' ' -f1 /proc/loadavg)

python3 - "$RAW" "$HERE/results/native-private-latest.md" "$RUNS" "$load_before" "$load_after" "$(git -C "$REPO" rev-parse --short HEAD)" "$MX" "$DOMAINS" <<'EOF'
import statistics, sys, datetime, os
raw, out, runs, lb, la, commit, mx, domains = sys.argv[1:]
rows = [l.rstrip("\n").split("\t") for l in open(raw) if l.strip()]
def vals(task, tool): return [float(r[2]) for r in rows if r[0] == task and r[1] == tool]
def med(task, tool):
    v = vals(task, tool)
    return statistics.median(v) if v else None
def right(task, tool):
    v = [r[3] for r in rows if r[0] == task and r[1] == tool]
    return f"{sum(x == '1' for x in v)}/{len(v)}"
L = ["# Native mailflow against the peers on a private path (issue #18)", ""]
L.append(f"Written by `tests/bench/native-private.sh` on {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC, commit {commit}; "
         f"{os.cpu_count()} cores, load average {lb} before and {la} after (shared machine). Medians of {runs} runs per tool, "
         "alternating, timed from `ip netns exec` to exit. Private client/router/server namespaces: router MTU 1400 with "
         "\"too big\" delivered; SMTP responder with STARTTLS (self-signed certificate) on the server.")
L.append("")
L.append("| task | mailflow (native) | baseline build | peer | mailflow/peer | target met | right (mailflow, peer) |")
L.append("| --- | --- | --- | --- | --- | --- | --- |")
for name, task, peer, label in (("control-path PMTU, too-big delivered", "pmtu", "tracepath", "tracepath -n"),
                                ("SMTP to RCPT with STARTTLS", "smtp", "swaks", "swaks --tls --quit-after RCPT")):
    m, p, b = med(task, "mailflow"), med(task, peer), med(task, "baseline")
    L.append(f"| {name} | {m:.0f} ms | {'%.0f ms' % b if b is not None else 'n/a'} | {label}: {p:.0f} ms | {m / p:.2f}× | "
             f"{'yes' if m <= p else 'no'} | {right(task, 'mailflow')}, {right(task, peer)} |")
L.append("")
L.append(f"Start and exit of the same binary (`mailflow --help`): {med('start', 'mailflow'):.0f} ms.")
L.append("")
if os.path.exists(mx):
    m = {}
    for line in open(mx):
        tool, throttle, times, ok = line.rstrip("\n").split("\t")
        wall, user, system, rss = times.split()
        m[(tool, throttle)] = (float(wall), (float(user) + float(system)) * 1000 / int(domains), int(rss) / 1024, ok)
    L.append(f"Test-MxPath, {domains} domains (MX, A, MTA-STS TXT and TLSA lookups, SMTP to STARTTLS each; one process per run, "
             "start-up included):")
    L.append("")
    L.append("| build | throttle 1 | throttle 32 | ratio | CPU per domain 1 / 32 | peak RSS 1 / 32 | reachable 1 / 32 |")
    L.append("| --- | --- | --- | --- | --- | --- | --- |")
    for tool, label in (("mailflow", "this build"), ("baseline", "baseline build")):
        if (tool, "1") in m and (tool, "32") in m:
            a, b = m[(tool, "1")], m[(tool, "32")]
            L.append(f"| {label} | {a[0]:.2f} s | {b[0]:.2f} s | {a[0] / b[0]:.1f}× | {a[1]:.1f} / {b[1]:.1f} ms | {a[2]:.0f} / {b[2]:.0f} MB | {a[3]} / {b[3]} |")
    L.append("")
L.append("| task | tool | wall ms |")
L.append("| --- | --- | --- |")
for task, tool in dict.fromkeys((r[0], r[1]) for r in rows):
    L.append(f"| {task} | {tool} | {', '.join(r[2] for r in rows if r[0] == task and r[1] == tool)} |")
open(out, "w").write("\n".join(L) + "\n")
print("\n".join(L))
EOF
exit
}
