#!/usr/bin/env bash
# Test-MxPath on many domains: -ThrottleLimit 32 against -ThrottleLimit 1, across round-trip times.
#
#   bash tests/bench/mxpath-throttle.sh [--domains 500] [--rtt "0 10 20 50"] [--no-build] [--native]
#
# --native runs the native mailflow (out/native/mailflow, build.ps1 -Native) instead of the IL build.
# The lab's links have no delay, so there a probe costs CPU and nothing else; real MX hosts are a
# round trip away. The distant MX (198.51.100.35, tests/lab/wan.c) relays to the lab's Postfix and
# holds each chunk for half the round-trip time in each direction. For every RTT this runs the same
# 500 domains (w0001…w0500.bulk.test, MX mx-far.lab.test) at -ThrottleLimit 1 and 32, plus the
# direct path (d0001… → mx1, no relay), and records wall time, CPU time and peak RSS (GNU time).
# Writes tests/bench/results/mxpath-throttle-<date>-<commit>.md and mxpath-throttle-latest.md.
# A benchmark: nothing here asserts on times. Needs root (the lab).
set -euo pipefail
{
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
LAB=$REPO/tests/lab/lab.sh
DOMAINS=500
RTTS="0 10 20 50"
BUILD=1
NATIVE=0
while [ $# -gt 0 ]; do
    case $1 in
        --domains) DOMAINS=$2; shift 2 ;;
        --rtt) RTTS=$2; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        --native) NATIVE=1; shift ;;
        -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
done
[ "$DOMAINS" -le 500 ] || { echo "the lab has 500 distant-MX domains" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "must run as root (the lab uses network namespaces)" >&2; exit 2; }
say() { printf 'mxpath-throttle: %s\n' "$*" >&2; }

cd "$REPO"
DLL=$REPO/src/MailFlowTools.Cli/bin/Release/net8.0/mailflow.dll
CLI=(dotnet "$DLL")
BUILD_NAME="IL build, start-up about 0.4 s"
if [ "$NATIVE" = 1 ]; then
    CLI=("$REPO/out/native/mailflow")
    BUILD_NAME="native build, start-up about 0.04 s"
    if [ "$BUILD" = 1 ]; then say "publishing the native CLI"; dotnet publish src/MailFlowTools.Cli -c Release -r linux-x64 -p:PublishAot=true -o out/native --nologo -v q >&2; fi
    [ -x "${CLI[0]}" ] || { say "no native mailflow at ${CLI[0]} (build.ps1 -Native)"; exit 2; }
elif [ "$BUILD" = 1 ]; then say "building the CLI (Release)"; dotnet build src/MailFlowTools.Cli -c Release --nologo -v q -clp:ErrorsOnly >&2; fi
COMMIT=$(git rev-parse --short HEAD)
git diff --quiet HEAD -- src 2>/dev/null || COMMIT="$COMMIT-dirty"
SUFFIX=
[ "$NATIVE" = 1 ] && SUFFIX=-native
OUT=$HERE/results/mxpath-throttle$SUFFIX-$(date -u +%F)-$COMMIT.md
WORK=$(mktemp -d)
OWN_LAB=0
OLD_DELAY=
finish() {
    [ -n "$OLD_DELAY" ] && bash "$LAB" wan-delay "$OLD_DELAY" >/dev/null 2>&1 || true
    [ "$OWN_LAB" = 1 ] && bash "$LAB" down >&2 || true
    rm -rf "$WORK"
}
trap finish EXIT
if ! bash "$LAB" status -q >/dev/null 2>&1; then say "bringing the lab up"; bash "$LAB" up >&2; OWN_LAB=1; fi
OLD_DELAY=$(bash "$LAB" wan-delay)

seq -f 'w%04g.bulk.test' 1 "$DOMAINS" >"$WORK/far.txt"
seq -f 'd%04g.bulk.test' 1 "$DOMAINS" >"$WORK/near.txt"

# run NAMES THROTTLE -> "wall_s cpu_s maxrss_mb reachable"
run() {
    local names=$1 throttle=$2
    /usr/bin/time -o "$WORK/time" -f '%e %U %S %M' bash "$LAB" exec "${CLI[@]}" Test-MxPath \
        --dns-server 198.51.100.53 --throttle-limit "$throttle" --json <"$names" >"$WORK/out.json"
    local ok
    ok=$(jq -s '[.[][] | select(.Reachable == true)] | length' "$WORK/out.json")
    awk -v ok="$ok" '{ printf "%.2f %.2f %.0f %d\n", $1, $2 + $3, $4 / 1024, ok }' "$WORK/time"
}

{
    echo "# Test-MxPath, $DOMAINS domains: -ThrottleLimit 32 against 1"
    echo
    echo "Commit $COMMIT, $(date -u '+%F %T UTC'), $(nproc) cores, load average at start $(cut -d' ' -f1-3 /proc/loadavg)."
    echo "Each run is one \`mailflow Test-MxPath --throttle-limit N --json\` process in the lab client namespace,"
    echo "start-up included ($BUILD_NAME). CPU is the CLI's user + system time; peak RSS is GNU time's maximum."
    echo "\"direct\" is d0001… → mx1 (no relay, no delay); the other rows are w0001… → the distant MX, whose"
    echo "relay holds each chunk for RTT/2 each way."
    echo
    echo "| Path | RTT | Throttle 1 | Throttle 32 | Ratio | CPU 1 / 32 | Peak RSS 1 / 32 | Reachable 1 / 32 |"
    echo "|---|---|---|---|---|---|---|---|"
} >"$WORK/report.md"

row() { # LABEL RTT NAMES
    local one many
    say "$1, RTT $2 ms: throttle 1"
    read -r w1 c1 m1 ok1 <<<"$(run "$3" 1)"
    say "$1, RTT $2 ms: throttle 32"
    read -r w32 c32 m32 ok32 <<<"$(run "$3" 32)"
    local ratio
    ratio=$(awk -v a="$w1" -v b="$w32" 'BEGIN { printf "%.1f", a / b }')
    say "$1, RTT $2 ms: $w1 s against $w32 s = ${ratio}x; peak $m1 / $m32 MB"
    echo "| $1 | $2 ms | $w1 s | $w32 s | **${ratio}×** | $c1 / $c32 s | $m1 / $m32 MB | $ok1 / $ok32 |" >>"$WORK/report.md"
}

row direct 0 "$WORK/near.txt"
for rtt in $RTTS; do
    bash "$LAB" wan-delay $(( rtt / 2 )) >/dev/null
    row "distant MX" "$rtt" "$WORK/far.txt"
done
echo >>"$WORK/report.md"
echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)." >>"$WORK/report.md"

mkdir -p "$HERE/results"
cp "$WORK/report.md" "$OUT"
cp "$WORK/report.md" "$HERE/results/mxpath-throttle$SUFFIX-latest.md"
cat "$OUT"
}
