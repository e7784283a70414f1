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
[ -f "$DLL" ] || { echo "build the CLI first: $DLL" >&2; exit 2; }

small=$(( LINES / 10 ))
python3 "$HERE/tests/bench/maillog-generate.py" "$small" > "$WORK/small.log"
python3 "$HERE/tests/bench/maillog-generate.py" "$LINES" > "$WORK/large.log"

# measure NAME FILE CMD…: prints "seconds peak_kb" for one run under GNU time.
measure() {
    local file=$1; shift
    # mailflow exits 1 when the summary has findings (deferrals): that is a result, not a failure.
    local rc=0
    /usr/bin/time -f '%e %M' -o "$WORK/time" "$@" < /dev/null > "$WORK/out" 2> "$WORK/err" || rc=$?
    [ "$rc" -le 1 ] || { cat "$WORK/err" >&2; return 1; }
    tail -1 "$WORK/time"
}

rate() { python3 -c "import sys; l,s=float(sys.argv[1]),float(sys.argv[2]); print(f'{l/max(s,0.001):,.0f}')" "$1" "$2"; }

declare -A sec kb
for size in small large; do
    f=$WORK/$size.log
    read -r s k < <(measure "$f" dotnet "$DLL" Resolve-SmtpStatus --path "$f" --summary --json)
    sec[mailflow-$size]=$s; kb[mailflow-$size]=$k
    groups=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d=d[0] if isinstance(d,list) else d; print(len(d["Groups"]), d["Deferred"], d["Bounced"], d["Sent"])' "$WORK/out")
    read -r s k < <(measure "$f" pflogsumm --problems-first "$f")
    sec[pflogsumm-$size]=$s; kb[pflogsumm-$size]=$k
    eval "counts_$size=\"\$groups\""
    pf_deferred=$(grep -m1 -E '^ +[0-9]+ +deferred' "$WORK/out" | awk '{print $1}' || true)
    eval "pf_$size=\"\$pf_deferred\""
done

# Flatness past the warm-up: the large log three times over, mailflow only (pflogsumm would take minutes).
cat "$WORK/large.log" "$WORK/large.log" "$WORK/large.log" > "$WORK/triple.log"
read -r s k < <(measure "$WORK/triple.log" dotnet "$DLL" Resolve-SmtpStatus --path "$WORK/triple.log" --summary --json)
sec[mailflow-triple]=$s; kb[mailflow-triple]=$k

ls=$(wc -l < "$WORK/small.log"); ll=$(wc -l < "$WORK/large.log"); lt=$(( ll * 3 ))
mrate=$(rate "$ll" "${sec[mailflow-large]}"); prate=$(rate "$ll" "${sec[pflogsumm-large]}")
ratio=$(python3 -c "print(f'{float(\"${sec[pflogsumm-large]}\")/max(float(\"${sec[mailflow-large]}\"),0.001):.1f}')")
{
    echo "# Mail log summary benchmark"
    echo
    echo "$(date -u +%Y-%m-%dT%H:%MZ), commit $(git -C "$HERE" rev-parse --short HEAD), $(nproc) cores, $(dotnet --version) SDK, pflogsumm $(dpkg-query -W -f '${Version}' pflogsumm 2>/dev/null || echo '?')."
    echo "Generated Postfix log (tests/bench/maillog-generate.py): about 85 % sent, 11 % deferred, 4 % bounced, with connect,"
    echo "cleanup, qmgr and warning lines around them. Same file, same run; GNU time's wall clock and peak RSS, whole process"
    echo "(mailflow includes the .NET runtime start, about 0.1 s)."
    echo
    echo "| tool | lines | seconds | lines/s | peak RSS (MB) |"
    echo "| --- | ---: | ---: | ---: | ---: |"
    for tool in mailflow pflogsumm; do
        echo "| $tool | $ls | ${sec[$tool-small]} | $(rate "$ls" "${sec[$tool-small]}") | $(( ${kb[$tool-small]} / 1024 )) |"
        echo "| $tool | $ll | ${sec[$tool-large]} | $(rate "$ll" "${sec[$tool-large]}") | $(( ${kb[$tool-large]} / 1024 )) |"
    done
    echo "| mailflow | $lt | ${sec[mailflow-triple]} | $(rate "$lt" "${sec[mailflow-triple]}") | $(( ${kb[mailflow-triple]} / 1024 )) |"
    echo
    echo "At $ll lines mailflow reads $mrate lines/s, pflogsumm $prate lines/s: **${ratio}×**."
    echo "Memory from $ll to $lt lines (after the runtime's warm-up): mailflow $(( ${kb[mailflow-large]} / 1024 )) → $(( ${kb[mailflow-triple]} / 1024 )) MB."
    echo "Memory from $ls to $ll lines: mailflow $(( ${kb[mailflow-small]} / 1024 )) → $(( ${kb[mailflow-large]} / 1024 )) MB, pflogsumm $(( ${kb[pflogsumm-small]} / 1024 )) → $(( ${kb[pflogsumm-large]} / 1024 )) MB."
    echo
    echo "mailflow's summary (groups, deferred, bounced, sent): small $counts_small; large $counts_large."
    echo "pflogsumm's deferred count: small ${pf_small:-?}; large ${pf_large:-?}."
} > "$OUT"
cat "$OUT"
