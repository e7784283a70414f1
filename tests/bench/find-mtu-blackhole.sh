#!/usr/bin/env bash
# Side-by-side measurement of Find-MtuBlackHole against tracepath and a "ping -M do" binary search on the
# lab's paths (run as root with the lab up: bash tests/lab/lab.sh up). Prints one row per path and tool:
# the path MTU each tool reports, whether it says "black hole", and its wall time.
# Usage: bash tests/bench/find-mtu-blackhole.sh [mailflow.dll]
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dll=${1:-$(ls -t "$repo"/src/MailFlowTools.Cli/bin/*/net8.0/mailflow.dll | head -1)}
NS=(ip netns exec mfl-client)
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

# Binary search with one ping per step (1 s wait), as an admin would script it.
ping_search() { # ADDR
    local a=$1 v6=0 hdr=28 lo=68 hi=1500 mid out
    [[ $a == *:* ]] && v6=1 hdr=48 lo=1280
    while [ "$lo" -lt "$hi" ]; do
        mid=$(( (lo + hi + 1) / 2 ))
        if out=$("${NS[@]}" ping $([ $v6 = 1 ] && echo -6) -n -M do -c 1 -W 1 -s $((mid - hdr)) "$a" 2>&1) && grep -q ' 0% packet loss' <<<"$out"; then
            lo=$mid
        else
            hi=$((mid - 1))
        fi
    done
    echo "$lo"
}

printf '%-16s %-14s %-8s %-10s %-8s %s\n' path tool pmtu blackhole seconds note
for a in 198.51.100.27 2001:db8:5::27 198.51.100.28 2001:db8:5::28 198.51.100.26 198.51.100.25; do
    t=$(now)
    json=$("${NS[@]}" dotnet "$dll" Find-MtuBlackHole "$a" --json || true)
    s=$(elapsed "$t")
    read -r pmtu bh ms <<<"$(python3 -c 'import json,sys; r=json.load(sys.stdin)[0]; print(r["PathMtu"], r["BlackHole"], r["ElapsedMs"])' <<<"$json")"
    printf '%-16s %-14s %-8s %-10s %-8s %s\n' "$a" mailflow "$pmtu" "$bh" "$s" "engine ${ms} ms"

    t=$(now)
    json=$("${NS[@]}" dotnet "$dll" Find-MtuBlackHole "$a" --method Icmp --json || true)
    s=$(elapsed "$t")
    read -r pmtu bh ms <<<"$(python3 -c 'import json,sys; r=json.load(sys.stdin)[0]; print(r["PathMtu"], r["BlackHole"], r["ElapsedMs"])' <<<"$json")"
    printf '%-16s %-14s %-8s %-10s %-8s %s\n' "$a" "mailflow icmp" "$pmtu" "$bh" "$s" "engine ${ms} ms"

    t=$(now)
    out=$("${NS[@]}" timeout 300 tracepath -n "$a" 2>&1 || true)
    s=$(elapsed "$t")
    pmtu=$(grep -o 'pmtu [0-9]*' <<<"$out" | tail -1 | awk '{print $2}')
    printf '%-16s %-14s %-8s %-10s %-8s %s\n' "$a" "tracepath -n" "${pmtu:-?}" "n/a" "$s" "$(tail -1 <<<"$out" | tr -s ' ' | cut -c1-40)"

    t=$(now)
    pmtu=$(ping_search "$a")
    s=$(elapsed "$t")
    printf '%-16s %-14s %-8s %-10s %-8s %s\n' "$a" "ping search" "$pmtu" "n/a" "$s" ""
done

# Size-specific loss (incident 2): the sweep against one envelope write per size with the lab's probe.py,
# one attempt each, in sequence (what a by-hand check looks like). Neither tracepath nor ping can see it.
a=198.51.100.26
sizes=$(python3 -c 'print(" ".join(map(str, [100,200,254,255,256,257,258,300,400,510,511,512,513,514,600,700,800,900,1022,1023,1024,1025,1026,1100,1200,1300,1400,1448,1460,2046,2047,2048,2049,2050])))')
t=$(now)
json=$("${NS[@]}" dotnet "$dll" Find-MtuBlackHole "$a" --method Sweep --json || true)
s=$(elapsed "$t")
failing=$(python3 -c 'import json,sys; r=json.load(sys.stdin)[0]; print(",".join(map(str, r["FailingPayloadSizes"])), r["ElapsedMs"])' <<<"$json")
printf '%-16s %-14s %-28s %-8s %s\n' "$a" "mailflow sweep" "failing ${failing% *}" "$s" "engine ${failing##* } ms, 3 attempts per failing size"
t=$(now)
lost=()
for n in $sizes; do
    "${NS[@]}" python3 "$repo/tests/lab/probe.py" envelope "$a" "$n" --timeout 2 >/dev/null 2>&1 || lost+=("$n")
done
s=$(elapsed "$t")
printf '%-16s %-14s %-28s %-8s %s\n' "$a" "probe.py loop" "failing $(IFS=,; echo "${lost[*]}")" "$s" "one attempt per size, sequential"
