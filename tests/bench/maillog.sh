#!/usr/bin/env bash
# Benchmark (not a test): `mailflow Resolve-SmtpStatus --path LOG --summary` beside pflogsumm on the same
# generated Postfix log, in the same run: lines per second and peak RSS (GNU time), at 100k and 1M lines,
# to show the rate and that memory stays flat as the log grows. Writes tests/bench/results/maillog-latest.md.
#   tests/bench/maillog.sh [lines]        (default 1000000; needs pflogsumm: apt-get install pflogsumm)
set -euo pipefail
LINES=${1:-1000000}
HERE=$(cd "$(dirname "$0")/../.." && pwd)
DLL=${MAILFLOW_DLL:-$HERE/src/MailFlowTools.Cli/bin/Release/net8.0/mailflow.dll}
WORK=$(mktemp -d /tmp/mfl-maillog.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
OUT=$HERE/tests/bench/results/maillog-latest.md
command -v pflogsumm >/dev/null || { echo "pflogsumm is not installed (apt-get install pflogsumm)" >&2; exit 2; }
# MAILFLOW_CLI names the native mailflow (build.ps1 -Native): then it is measured instead of the IL build.
if [ -n "${MAILFLOW_CLI:-}" ]; then CLI=("$MAILFLOW_CLI"); else
    [ -f "$DLL" ] || { echo "build the CLI first: $DLL" >&2; exit 2; }
    CLI=(dotnet "$DLL")
fi

small=$(( LINES / 10 ))
python3 "$HERE/tests/bench/maillog-generate.py" "$small" > "$WORK/small.log"
python3 "$HERE/tests/bench/maillog-generate.py" "$LINES" > "$WORK/large.log"

# measure NAME FILE CMD…: prints "seconds peak_kb" for one run under GNU time.
measure() {
    local file=$1; shift
    # mailflow exits 1 when the summary has findings (deferrals): that is a result, not a failure.
    local rc=0
    /usr/bin/time -f '%e %M %U %S' -o "$WORK/time" "$@" < /dev/null > "$WORK/out" 2> "$WORK/err" || rc=$?
    [ "$rc" -le 1 ] || { cat "$WORK/err" >&2; return 1; }
    tail -1 "$WORK/time"
}

rate() { python3 -c "import sys; l,s=float(sys.argv[1]),float(sys.argv[2]); print(f'{l/max(s,0.001):,.0f}')" "$1" "$2"; }

declare -A sec kb cpu
# cpu SECONDS: user+sys from GNU time's last line, a fairer clock than wall time on a loaded machine.
cpu_of() { awk '{print $3 + $4}' <<<"$1"; }
for size in small large; do
    f=$WORK/$size.log
    t=$(measure "$f" "${CLI[@]}" Resolve-SmtpStatus --path "$f" --summary --json)
    read -r s k _ <<<"$t"; sec[mailflow-$size]=$s; kb[mailflow-$size]=$k; cpu[mailflow-$size]=$(cpu_of "$t")
    groups=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d=d[0] if isinstance(d,list) else d; print(len(d["Groups"]), d["Deferred"], d["Bounced"], d["Sent"])' "$WORK/out")
    t=$(measure "$f" pflogsumm --problems-first "$f")
    read -r s k _ <<<"$t"; sec[pflogsumm-$size]=$s; kb[pflogsumm-$size]=$k; cpu[pflogsumm-$size]=$(cpu_of "$t")
    eval "counts_$size=\"\$groups\""
    pf_deferred=$(grep -m1 -E '^ +[0-9]+ +deferred' "$WORK/out" | awk '{print $1}' || true)
    eval "pf_$size=\"\$pf_deferred\""
done

# Flatness past the warm-up: the large log three times over, mailflow only (pflogsumm would take minutes).
cat "$WORK/large.log" "$WORK/large.log" "$WORK/large.log" > "$WORK/triple.log"
t=$(measure "$WORK/triple.log" "${CLI[@]}" Resolve-SmtpStatus --path "$WORK/triple.log" --summary --json)
read -r s k _ <<<"$t"; sec[mailflow-triple]=$s; kb[mailflow-triple]=$k; cpu[mailflow-triple]=$(cpu_of "$t")

ls=$(wc -l < "$WORK/small.log"); ll=$(wc -l < "$WORK/large.log"); lt=$(( ll * 3 ))
mrate=$(rate "$ll" "${sec[mailflow-large]}"); prate=$(rate "$ll" "${sec[pflogsumm-large]}")
ratio=$(python3 -c "print(f'{float(\"${sec[pflogsumm-large]}\")/max(float(\"${sec[mailflow-large]}\"),0.001):.1f}')")
cratio=$(python3 -c "print(f'{float(\"${cpu[pflogsumm-large]}\")/max(float(\"${cpu[mailflow-large]}\"),0.001):.1f}')")
tratio=$(python3 -c "print(f'{(float(\"${sec[pflogsumm-large]}\")/$ll)/max(float(\"${sec[mailflow-triple]}\")/$lt,1e-9):.1f}')")
{
    echo "# Mail log summary benchmark"
    echo
    echo "$(date -u +%Y-%m-%dT%H:%MZ), commit $(git -C "$HERE" rev-parse --short HEAD), $(nproc) cores, $(dotnet --version) SDK, pflogsumm $(dpkg-query -W -f '${Version}' pflogsumm 2>/dev/null || echo '?')."
    echo "Generated Postfix log (tests/bench/maillog-generate.py): about 85 % sent, 11 % deferred, 4 % bounced, with connect,"
    echo "cleanup, qmgr and warning lines around them. Same file, same run; GNU time's wall clock and peak RSS, whole process"
    echo "(mailflow includes the .NET runtime start and JIT, about 0.3 s of CPU). On a loaded machine wall time is noise: compare CPU time."
    echo
    echo "| tool | lines | wall s | lines/s (wall) | CPU s | lines/s (CPU) | peak RSS (MB) |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    for tool in mailflow pflogsumm; do
        for size in small large; do
            n=$ls; [ "$size" = large ] && n=$ll
            echo "| $tool | $n | ${sec[$tool-$size]} | $(rate "$n" "${sec[$tool-$size]}") | ${cpu[$tool-$size]} | $(rate "$n" "${cpu[$tool-$size]}") | $(( ${kb[$tool-$size]} / 1024 )) |"
        done
    done
    echo "| mailflow | $lt | ${sec[mailflow-triple]} | $(rate "$lt" "${sec[mailflow-triple]}") | ${cpu[mailflow-triple]} | $(rate "$lt" "${cpu[mailflow-triple]}") | $(( ${kb[mailflow-triple]} / 1024 )) |"
    echo
    echo "At $ll lines mailflow reads $mrate lines/s, pflogsumm $prate lines/s (wall clock): **${ratio}×**; by CPU time **${cratio}×**."
    echo "At $lt lines (the runtime's start and JIT spread over more lines) mailflow's wall-clock rate is **${tratio}×** pflogsumm's at $ll."
    echo "Memory from $ll to $lt lines (after the runtime's warm-up): mailflow $(( ${kb[mailflow-large]} / 1024 )) → $(( ${kb[mailflow-triple]} / 1024 )) MB."
    echo "Memory from $ls to $ll lines: mailflow $(( ${kb[mailflow-small]} / 1024 )) → $(( ${kb[mailflow-large]} / 1024 )) MB, pflogsumm $(( ${kb[pflogsumm-small]} / 1024 )) → $(( ${kb[pflogsumm-large]} / 1024 )) MB."
    echo
    echo "mailflow's summary (groups, deferred, bounced, sent): small $counts_small; large $counts_large."
    echo "pflogsumm's deferred count: small ${pf_small:-?}; large ${pf_large:-?}."
} > "$OUT"
cat "$OUT"
