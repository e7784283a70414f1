#!/usr/bin/env bash
# Large batches through `mailflow Test-MxPath`: names per second, peak memory and time to the first result,
# before (main's build) and after (this tree's build), in the same run.
#
#   bash tests/bench/streaming.sh [--sizes "10000 100000 1000000"] [--before-max 100000] [--lab-names 5000]
#                                 [--throttle 8] [--before-dll PATH --before-label TEXT] [--no-build] [--same-work]
#   MAILFLOW_CLI=out/native/mailflow bash tests/bench/streaming.sh …   (also the native mailflow, build.ps1 -Native)
#
# Generated names (s<N>.nosuch.test) do not exist: the lab's Unbound (198.51.100.56) answers NXDOMAIN, so each
# result is small and the run measures the CLI, not the network. The lab's names are d0001…d<N>.bulk.test
# (MX mx1.lab.test): each is a real SMTP session up to STARTTLS with the lab's Postfix, never DATA.
# Each run is one process inside the client namespace (ip netns exec mfl-client), names on standard input,
# --json (both builds) and --json-lines (this build). Peak memory is GNU time's maximum resident set; the first
# result is the time from start to the first result object on standard output; names/s is names / wall time,
# start-up included; CPU is user + system seconds (the fairer figure on a loaded, shared machine). main's build
# holds every result, so it runs only up to --before-max names (at 10 KB a name a million would need ~10 GB).
# "main" is built from `git archive main` in a temporary directory (or given: --before-dll, --before-label).
# With MAILFLOW_CLI naming this tree's native mailflow (Native AOT), every row of this tree's IL build gets a native
# row beside it (the Build column says "native"); the native build starts without JIT, which is most of the time to
# the first result of the IL build. --same-work adds lab-name rows of this build with --skip-tls-policy: the work a
# build from before the TLS-policy checks did, for a like-with-like comparison with such a --before-dll.
# Writes tests/bench/results/streaming-<date>-<commit>.md and streaming-latest.md. Nothing here asserts.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
SIZES="10000 100000 1000000"
BEFORE_MAX=100000
LAB_NAMES=5000
THROTTLE=8
BEFORE_DLL=
BEFORE_LABEL=
BUILD=1
SAME_WORK=
while [ $# -gt 0 ]; do
    case $1 in
        --sizes) SIZES=$2; shift 2 ;;
        --before-max) BEFORE_MAX=$2; shift 2 ;;
        --lab-names) LAB_NAMES=$2; shift 2 ;;
        --throttle) THROTTLE=$2; shift 2 ;;
        --before-dll) BEFORE_DLL=$2; shift 2 ;;
        --before-label) BEFORE_LABEL=$2; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        --same-work) SAME_WORK=1; shift ;;
        -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
done
NATIVE=${MAILFLOW_CLI:-}
[ -z "$NATIVE" ] || [ -x "$NATIVE" ] || { echo "MAILFLOW_CLI is not an executable: $NATIVE" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "must run as root (the lab uses network namespaces)" >&2; exit 2; }
[ "$LAB_NAMES" -le 5000 ] || { echo "the lab has 5000 d-names in bulk.test (0 skips them)" >&2; exit 2; }
ip netns list | grep -q '^mfl-client' || { echo "the lab is not up (tests/lab/lab.sh up)" >&2; exit 2; }
say() { printf 'streaming: %s\n' "$*" >&2; }

cd "$REPO"
AFTER_DLL=$REPO/src/MailFlowTools.Cli/bin/Release/net8.0/mailflow.dll
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
if [ "$BUILD" = 1 ]; then say "building this tree's CLI (Release)"; dotnet build src/MailFlowTools.Cli -c Release --nologo -v q -clp:ErrorsOnly >&2; fi
if [ -z "$BEFORE_DLL" ]; then
    say "building main's CLI (Release) from git archive main"
    mkdir -p "$WORK/main"
    git archive main | tar -x -C "$WORK/main"
    dotnet build "$WORK/main/src/MailFlowTools.Cli" -c Release --nologo -v q -clp:ErrorsOnly >&2
    BEFORE_DLL=$WORK/main/src/MailFlowTools.Cli/bin/Release/net8.0/mailflow.dll
fi
COMMIT=$(git rev-parse --short HEAD)
git diff --quiet HEAD -- src 2>/dev/null || COMMIT="$COMMIT-dirty"
MAIN=${BEFORE_LABEL:-$(git rev-parse --short main)}
OUT=$HERE/results/streaming-$(date -u +%F)-$COMMIT.md

# measure DLL-OR-EXECUTABLE MODE NAMES-FILE DNS WORK THROTTLE [ARG...] -> "names wall_s first_s peak_mb results exit cpu_s"
measure() {
    python3 - "$@" <<'PY'
import subprocess, sys, time
dll, mode, names, dns, work = sys.argv[1:6]
count = sum(1 for _ in open(names))
program = ['dotnet', dll] if dll.endswith('.dll') else [dll]
cmd = ['/usr/bin/time', '-o', work + '/time', '-f', '%e %M %U %S', 'ip', 'netns', 'exec', 'mfl-client'] + program + [
       'Test-MxPath', '--dns-server', dns, '--throttle-limit', sys.argv[6], mode] + sys.argv[7:]
start = time.monotonic()
with open(names, 'rb') as stdin, open(work + '/stderr', 'wb') as stderr:
    p = subprocess.Popen(cmd, stdin=stdin, stdout=subprocess.PIPE, stderr=stderr)
    first, results, tail = None, 0, b''
    # Every result object has exactly one top-level "MxSource"; a chunk may cut one in two, hence the tail.
    while True:
        chunk = p.stdout.read1(1 << 16)
        if not chunk:
            break
        data = tail + chunk
        seen = data.count(b'"MxSource"')
        if seen and first is None:
            first = time.monotonic() - start
        results += seen
        tail = data[-12:] if data[-12:].count(b'"MxSource"') == 0 else b''
    code = p.wait()
wall, rss, user, system = open(work + '/time').read().split()[-4:]
print(count, wall, '%.2f' % first if first is not None else '-', '%.0f' % (int(rss) / 1024), results, code, '%.1f' % (float(user) + float(system)))
PY
}

rows=()
run() { # LABEL BUILD DLL MODE NAMES DNS [ARG...]
    local label=$1 build=$2 dll=$3 mode=$4 names=$5 dns=$6 m
    shift 6
    say "$label: $build $mode $* ($(wc -l <"$names") names)"
    m=$(measure "$dll" "$mode" "$names" "$dns" "$WORK" "$THROTTLE" "$@")
    read -r n wall first rss results code cpu <<<"$m"
    rows+=("$(awk -v l="$label" -v b="$build" -v mo="$mode" -v n="$n" -v w="$wall" -v f="$first" -v r="$rss" -v res="$results" -v c="$code" -v cpu="$cpu" \
        'BEGIN { printf "| %s | %s | %s | %d | %.1f s | %.0f | %s s | %s s | %s MB | %d | %s |", l, b, mo, n, w, n / w, cpu, f, r, res, c }')")
    say "  -> ${rows[-1]}"
    # This tree's IL row gets its native twin.
    if [ -n "$NATIVE" ] && [ "$dll" = "$AFTER_DLL" ]; then
        run "$label" "$build native" "$NATIVE" "$mode" "$names" "$dns" "$@"
    fi
}

if [ "$LAB_NAMES" -gt 0 ]; then
    seq -f 'd%04g.bulk.test' 1 "$LAB_NAMES" >"$WORK/lab.txt"
    run "lab names" "main $MAIN" "$BEFORE_DLL" --json "$WORK/lab.txt" 198.51.100.56
    run "lab names" "this $COMMIT" "$AFTER_DLL" --json "$WORK/lab.txt" 198.51.100.56
    run "lab names" "this $COMMIT" "$AFTER_DLL" --json-lines "$WORK/lab.txt" 198.51.100.56
    # The same work as a build from before the TLS-policy checks (MTA-STS TXT, TLSA, certificate verdicts per
    # domain), so the streaming itself is compared like with like.
    if [ -n "$SAME_WORK" ]; then
        run "lab names" "this $COMMIT, --skip-tls-policy" "$AFTER_DLL" --json "$WORK/lab.txt" 198.51.100.56 --skip-tls-policy
    fi
fi
for size in $SIZES; do
    # A fresh prefix per size, so no answer is already in Unbound's cache from a smaller run.
    awk -v n="$size" -v p="s$size-" 'BEGIN { for (i = 1; i <= n; i++) printf "%s%d.nosuch.test\n", p, i }' >"$WORK/gen.txt"
    if [ "$size" -le "$BEFORE_MAX" ]; then
        run "generated NXDOMAIN" "main $MAIN" "$BEFORE_DLL" --json "$WORK/gen.txt" 198.51.100.56
    fi
    run "generated NXDOMAIN" "this $COMMIT" "$AFTER_DLL" --json "$WORK/gen.txt" 198.51.100.56
    run "generated NXDOMAIN" "this $COMMIT" "$AFTER_DLL" --json-lines "$WORK/gen.txt" 198.51.100.56
done

{
    echo "# Large batches: mailflow Test-MxPath, before and after streaming"
    echo
    echo "This tree $COMMIT against main $MAIN, $(date -u '+%F %T UTC'), $(nproc) cores, load average at the end $(cut -d' ' -f1-3 /proc/loadavg)."
    echo "Names on standard input, \`--dns-server 198.51.100.56 --throttle-limit $THROTTLE\`, one process per row inside mfl-client."
    echo "Names/s is names / wall time (start-up included); CPU is user + system time; first result is start → first result object on standard output;"
    echo "peak memory is GNU time's maximum resident set; exit 1 is expected (every NXDOMAIN name is an Error finding)."
    echo "main's build runs up to $BEFORE_MAX names: it holds every result until the end."
    echo
    [ -z "$NATIVE" ] || echo "Native rows: \`$NATIVE\` (Native AOT, linux-x64), the same tree as the IL rows above them."
    [ -z "$NATIVE" ] || echo
    echo "| Names | Build | Output | Count | Wall | Names/s | CPU | First result | Peak memory | Results | Exit |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|"
    printf '%s\n' "${rows[@]}"
} >"$OUT"
cp "$OUT" "$HERE/results/streaming-latest.md"
cat "$OUT"
