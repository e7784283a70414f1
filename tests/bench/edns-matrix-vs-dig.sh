#!/usr/bin/env bash
# Benchmark (not a test): one server's default Test-EdnsReachability matrix (6 UDP buffer sizes + TCP, in
# parallel) against the same seven probes sent with dig one after another. Needs root and the lab.
#   tests/bench/edns-matrix-vs-dig.sh [server] [name] [runs]
set -euo pipefail
SERVER=${1:-198.51.100.53}
NAME=${2:-big.lab.test}
RUNS=${3:-5}
HERE=$(cd "$(dirname "$0")/../.." && pwd)
DLL=${MAILFLOW_DLL:-$HERE/src/MailFlowTools.Cli/bin/Debug/net8.0/mailflow.dll}
NS="ip netns exec mfl-client"
TIMEOUT=3

now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

dig_matrix() {
    local common="+tries=1 +time=$TIMEOUT +ignore @$SERVER $NAME MX"
    $NS dig +noedns $common >/dev/null || true
    for b in 512 1232 1410 1472 4096; do
        $NS dig +dnssec +bufsize=$b $common >/dev/null || true
    done
    $NS dig +tcp +dnssec +bufsize=4096 +tries=1 +time=$TIMEOUT @$SERVER $NAME MX >/dev/null || true
}

engine=(); wall=(); digs=()
for _ in $(seq "$RUNS"); do
    t0=$(now)
    json=$($NS dotnet "$DLL" Test-EdnsReachability "$NAME" --server "$SERVER" --timeout-seconds $TIMEOUT --json || true)
    t1=$(now)
    # Matrix phase only: the slowest matrix probe (bisection rounds, if any, come after it).
    engine+=("$(printf '%s' "$json" | python3 -c 'import json,sys; r=json.load(sys.stdin)[0]; print(max(p["ElapsedMs"] for p in r["Probes"] if p["Kind"]=="Matrix")/1000)')")
    wall+=("$(echo "$t1 - $t0" | bc -l)")
    t0=$(now); dig_matrix; t1=$(now)
    digs+=("$(echo "$t1 - $t0" | bc -l)")
done

e=$(printf '%s\n' "${engine[@]}" | median)
w=$(printf '%s\n' "${wall[@]}" | median)
d=$(printf '%s\n' "${digs[@]}" | median)
printf 'server %s, %s MX, timeout %ss, %s runs (medians)\n' "$SERVER" "$NAME" "$TIMEOUT" "$RUNS"
printf '  mailflow matrix (engine, parallel)   %8.3f s\n' "$e"
printf '  mailflow whole command (wall)        %8.3f s\n' "$w"
printf '  same 7 probes with dig, sequential   %8.3f s\n' "$d"
printf '  ratio dig / engine matrix            %8.1f x\n' "$(echo "$d / $e" | bc -l)"
