#!/usr/bin/env bash
# CPU time of Test-MxPath on the lab's names, builds alternating round by round (a fairer figure than one wall-clock
# row each on a shared machine): a build from before streaming, this build with --skip-tls-policy (the same work),
# and this build as it is (with the MTA-STS, DANE and certificate checks the older build lacks).
#
#   bash tests/bench/streaming-paired.sh --before-dll PATH [--before-label TEXT] [--names 1000] [--rounds 5]
#   MAILFLOW_CLI=out/native/mailflow …   also the native build, as it is
#
# Writes tests/bench/results/streaming-paired-latest.md. Needs root and the lab (tests/lab/lab.sh up). Nothing asserts.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
NAMES=1000 ROUNDS=5 BEFORE_DLL= BEFORE_LABEL=before
while [ $# -gt 0 ]; do
    case $1 in
        --before-dll) BEFORE_DLL=$2; shift 2 ;;
        --before-label) BEFORE_LABEL=$2; shift 2 ;;
        --names) NAMES=$2; shift 2 ;;
        --rounds) ROUNDS=$2; shift 2 ;;
        -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
done
[ -f "$BEFORE_DLL" ] || { echo "--before-dll must name a built mailflow.dll" >&2; exit 2; }
ip netns list | grep -q '^mfl-client' || { echo "the lab is not up (tests/lab/lab.sh up)" >&2; exit 2; }
AFTER_DLL=$REPO/src/MailFlowTools.Cli/bin/Release/net8.0/mailflow.dll
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
seq -f 'd%04g.bulk.test' 1 "$NAMES" >"$WORK/names"

builds=("$BEFORE_LABEL|dotnet $BEFORE_DLL|" "this, --skip-tls-policy|dotnet $AFTER_DLL|--skip-tls-policy" "this|dotnet $AFTER_DLL|")
[ -z "${MAILFLOW_CLI:-}" ] || builds+=("this, native|$MAILFLOW_CLI|")
declare -A cpu wall
for round in $(seq "$ROUNDS"); do
    for b in "${builds[@]}"; do
        IFS='|' read -r label program extra <<<"$b"
        # shellcheck disable=SC2086
        ip netns exec mfl-client /usr/bin/time -o "$WORK/time" -f '%e %U %S' $program Test-MxPath --json --dns-server 198.51.100.56 \
            --throttle-limit 8 $extra <"$WORK/names" >/dev/null 2>&1 || true
        read -r w u s <"$WORK/time"
        cpu[$label]+="$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f ", u + s }')"
        wall[$label]+="$w "
    done
done
median() { tr ' ' '\n' | grep . | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
{
    echo "# Test-MxPath on $NAMES lab names: CPU time, builds alternating"
    echo
    echo "$(date -u '+%F %T UTC'), commit $(git -C "$REPO" rev-parse --short HEAD), $(nproc) cores, load average at the end $(cut -d' ' -f1-3 /proc/loadavg)."
    echo "$ROUNDS rounds; each round runs every build once, in the order below; \`--json --dns-server 198.51.100.56 --throttle-limit 8\`, names on standard input."
    echo
    echo "| Build | CPU s (median) | CPU s per round | Wall s (median) | Names/s (median wall) |"
    echo "|---|---|---|---|---|"
    for b in "${builds[@]}"; do
        label=${b%%|*}
        c=$(median <<<"${cpu[$label]}"); w=$(median <<<"${wall[$label]}")
        echo "| $label | $c | ${cpu[$label]% } | $w | $(awk -v n="$NAMES" -v w="$w" 'BEGIN { printf "%.0f", n / w }') |"
    done
} >"$HERE/results/streaming-paired-latest.md"
cat "$HERE/results/streaming-paired-latest.md"
