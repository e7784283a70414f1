#!/usr/bin/env bash
# The native mailflow against the peers where they used to answer first, paired in one run:
#
#   bash tests/bench/native.sh [--runs N] [--no-build] [--baseline PATH]
#
# --baseline PATH also runs another native mailflow (e.g. the previous commit's) on the PMTU and SMTP tasks, in the
# same rounds, so before and after are measured in one run.
# Each task runs mailflow and its peer alternately, N times each (default 7), inside the lab's client namespace,
# and reports medians of wall time and peak RSS with the ratio and the issue #18 target:
#   start and exit            mailflow --help (native)                          vs dig -v
#   control-path PMTU         Find-MtuBlackHole 198.51.100.28 (too-big delivered) vs tracepath -n
#   SMTP to RCPT, STARTTLS    Get-SmtpStageTiming 198.51.100.25 --stop-after Rcpt vs swaks --tls --quit-after RCPT
#   DNS size matrix           Test-EdnsReachability big.lab.test on 198.51.100.54 (fragments dropped),
#                             --timeout-seconds 2                               vs the target 2 s + 0.5 s
# The route's cached path MTU is flushed before every PMTU run, so both tools discover it. The IL build's start
# and exit is measured too, for reference. Writes tests/bench/results/native-latest.md. Needs root and the lab.
# A benchmark, not a test: nothing here asserts on times.
set -euo pipefail
{
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
RUNS=7
BUILD=1
BASELINE=
while [ $# -gt 0 ]; do
    case $1 in
        --runs) RUNS=$2; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        --baseline) BASELINE=$2; shift 2 ;;
        -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
done
say() { printf 'native-bench: %s\n' "$*" >&2; }
[ "$(id -u)" = 0 ] || { say "must run as root (the lab uses network namespaces)"; exit 2; }
bash "$REPO/tests/lab/lab.sh" status -q >/dev/null 2>&1 || { say "the lab is not up (tests/lab/lab.sh up)"; exit 2; }
for tool in swaks tracepath dig /usr/bin/time jq; do
    command -v "$tool" >/dev/null || { apt-get update -qq >/dev/null 2>&1 || true; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq swaks iputils-tracepath dnsutils time jq >/dev/null; break; }
done

NATIVE=$REPO/out/native/mailflow
IL_DLL=$REPO/src/MailFlowTools.Cli/bin/Release/net8.0/mailflow.dll
cd "$REPO"
if [ "$BUILD" = 1 ]; then
    say "building the IL and the native CLI"
    dotnet build src/MailFlowTools.Cli -c Release --nologo -v q -clp:ErrorsOnly >&2
    dotnet publish src/MailFlowTools.Cli -c Release -r linux-x64 -p:PublishAot=true -o out/native --nologo -v q >&2
fi
[ -x "$NATIVE" ] || { say "no native mailflow at $NATIVE (build.ps1 -Native)"; exit 2; }

WORK=$(mktemp -d /tmp/mailflow-native-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
RAW=$WORK/raw.tsv
IN=(ip netns exec mfl-client)

# one TASK TOOL CHECK CMD…: one run; appends "task tool wall_ms rss_kb ok" to RAW. CHECK is a grep -E pattern the
# output must contain for the run to count as right (the verdict), or - for none.
one() {
    local task=$1 tool=$2 check=$3 t0 t1 rc ok; shift 3
    t0=$EPOCHREALTIME
    rc=0
    "${IN[@]}" /usr/bin/time -f '%M' -o "$WORK/rss" "$@" >"$WORK/out" 2>&1 || rc=$?
    t1=$EPOCHREALTIME
    ok=1
    if [ "$check" != - ] && ! grep -Eq "$check" "$WORK/out"; then ok=0; fi
    printf '%s\t%s\t%s\t%s\t%s\n' "$task" "$tool" "$(( (${t1/./} - ${t0/./}) / 1000 ))" "$(tail -n 1 "$WORK/rss")" "$ok" >>"$RAW"
}

flush() { "${IN[@]}" ip route flush cache; }

say "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $RUNS runs per tool"
load_before=$(cut -d' ' -f1 /proc/loadavg)
for i in $(seq 1 "$RUNS"); do
    say "round $i of $RUNS"
    one startup mailflow 'Commands:' "$NATIVE" --help
    one startup dig 'DiG' dig -v
    one startup mailflow-il 'Commands:' dotnet "$IL_DLL" --help

    flush; one pmtu mailflow '"PathMtu": 1400' "$NATIVE" Find-MtuBlackHole 198.51.100.28 --json
    flush; one pmtu tracepath 'pmtu 1400' tracepath -n 198.51.100.28
    if [ -n "$BASELINE" ]; then flush; one pmtu baseline '"PathMtu": 1400' "$BASELINE" Find-MtuBlackHole 198.51.100.28 --json; fi

    one smtp mailflow '"Stage": "RcptTo"' "$NATIVE" Get-SmtpStageTiming 198.51.100.25 --stop-after Rcpt --json
    one smtp swaks '250 2.1.5' swaks --server 198.51.100.25 --tls --quit-after RCPT --to postmaster@lab.test \
        --from probe@lab.test --helo client.lab.test --timeout 10
    if [ -n "$BASELINE" ]; then one smtp baseline '"Stage": "RcptTo"' "$BASELINE" Get-SmtpStageTiming 198.51.100.25 --stop-after Rcpt --json; fi

    one dns mailflow 'LargeUdpResponsesLost' "$NATIVE" Test-EdnsReachability big.lab.test --server 198.51.100.54 --timeout-seconds 2 --json
done
load_after=$(cut -d' ' -f1 /proc/loadavg)

python3 - "$RAW" "$REPO/tests/bench/results/native-latest.md" "$RUNS" "$load_before" "$load_after" "$(git rev-parse --short HEAD)" <<'EOF'
import statistics, sys, datetime, os, subprocess
raw, out, runs, lb, la, commit = sys.argv[1:]
rows = [l.rstrip("\n").split("\t") for l in open(raw) if l.strip()]
def pick(task, tool, col):
    return [float(r[col]) for r in rows if r[0] == task and r[1] == tool]
def med(task, tool, col):
    v = pick(task, tool, col)
    return statistics.median(v) if v else float("nan")
def right(task, tool):
    v = [r[4] for r in rows if r[0] == task and r[1] == tool]
    return f"{sum(x == '1' for x in v)}/{len(v)}"
def mib(kb): return kb / 1024
lines = []
lines.append("# Native mailflow against the peers (issue #18)")
lines.append("")
lines.append(f"Written by `tests/bench/native.sh` on {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC, commit {commit}; "
             f"{os.cpu_count()} cores, load average {lb} before and {la} after (the machine is shared: figures under load are slower for every tool). "
             f"Medians of {runs} runs per tool, the tools alternating run by run, inside `ip netns exec mfl-client` "
             "(each command is timed from `ip netns exec` to its exit, so both sides pay the same start). "
             "Peak RSS is /usr/bin/time's maximum resident set of the tool's process. \"Right\" counts runs whose output carried the expected verdict.")
lines.append("")
lines.append("| task | mailflow (native) | peer | ratio mailflow/peer | target | met | right (mailflow, peer) |")
lines.append("| --- | --- | --- | --- | --- | --- | --- |")
def row(name, task, peer, target, met_fn, peer_label):
    mw, mr = med(task, "mailflow", 2), mib(med(task, "mailflow", 3))
    if peer:
        pw, pr = med(task, peer, 2), mib(med(task, peer, 3))
        ratio = f"{mw / pw:.2f}× time, {mr / pr:.2f}× RSS" if pw and pr else "n/a"
        peer_text = f"{peer_label}: {pw:.0f} ms, {pr:.1f} MiB"
        rights = f"{right(task, 'mailflow')}, {right(task, peer)}"
    else:
        pw = pr = None
        ratio = "n/a"
        peer_text = peer_label
        rights = right(task, "mailflow")
    lines.append(f"| {name} | {mw:.0f} ms, {mr:.1f} MiB | {peer_text} | {ratio} | {target} | {'yes' if met_fn(mw, mr, pw, pr) else 'no'} | {rights} |")
row("start and exit (`mailflow --help` / `dig -v`)", "startup", "dig", "≤ dig, ≤ 15 MiB",
    lambda mw, mr, pw, pr: mw <= pw and mr <= 15, "dig")
row("control-path PMTU, too-big delivered (198.51.100.28)", "pmtu", "tracepath", "≤ tracepath",
    lambda mw, mr, pw, pr: mw <= pw, "tracepath -n")
row("SMTP to RCPT with STARTTLS (198.51.100.25)", "smtp", "swaks", "≤ swaks",
    lambda mw, mr, pw, pr: mw <= pw, "swaks --tls --quit-after RCPT")
row("DNS size matrix + bisection, fragments dropped (198.51.100.54, 2 s timeout)", "dns", None, "≤ 2 s + 0.5 s = 2500 ms",
    lambda mw, mr, pw, pr: mw <= 2500, "(no peer: dig does not bisect)")
lines.append("")
iw, ir = med("startup", "mailflow-il", 2), mib(med("startup", "mailflow-il", 3))
if pick("pmtu", "baseline", 2):
    lines.append(f"Baseline build (`--baseline`), same rounds: control-path PMTU {med('pmtu', 'baseline', 2):.0f} ms, "
                 f"SMTP to RCPT with STARTTLS {med('smtp', 'baseline', 2):.0f} ms.")
    lines.append("")
lines.append(f"For reference, the IL build's start and exit (`dotnet mailflow.dll --help`): {iw:.0f} ms, {ir:.1f} MiB.")
lines.append("")
lines.append("All runs (ms, KiB):")
lines.append("")
lines.append("| task | tool | wall ms | peak RSS KiB | right |")
lines.append("| --- | --- | --- | --- | --- |")
for task, tool in dict.fromkeys((r[0], r[1]) for r in rows):
    w = ", ".join(r[2] for r in rows if r[0] == task and r[1] == tool)
    m = ", ".join(r[3] for r in rows if r[0] == task and r[1] == tool)
    lines.append(f"| {task} | {tool} | {w} | {m} | {right(task, tool)} |")
open(out, "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
EOF
say "results: tests/bench/results/native-latest.md"
exit
}
