#!/usr/bin/env bash
# MailFlowTools against the tools admins would otherwise use, on the same lab paths, in one run.
#
#   bash tests/bench/run.sh [--quick] [--only startup,mtu,dns,smtp,batch,parsers,native,throttle] [--runs N]
#                           [--no-build] [--il]
#
# Brings the network lab up when it is not (and down again at the end, only then), builds the native CLI (what
# Linux admins run; --il measures the IL build under dotnet instead) and the parser benchmark, measures every
# scenario, and writes a Markdown table and an SVG chart to tests/bench/results/<date>-<commit>.{md,svg,jsonl} and
# results/latest.{md,svg}. "native" adds native.sh (the issue #18 targets, paired with dig, tracepath and swaks)
# and "throttle" mxpath-throttle.sh (500 domains, throttle 32 against 1, at 0 and 20 ms) to the same report. Needs root.
# A benchmark, not a test: nothing here asserts on times, and CI does not run it.
set -euo pipefail
# The whole script is one compound command, parsed before it runs: editing the file during a run is safe.
{

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
LAB=$REPO/tests/lab/lab.sh
PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

ONLY="startup mtu dns smtp batch parsers native throttle"
RUNS=5
SLOW_RUNS=2
BATCH_SIZES="100 1000 5000"
BATCH_CAP_S=600
BUILD=1
IL=0
while [ $# -gt 0 ]; do
    case $1 in
        --quick) RUNS=1; SLOW_RUNS=1; BATCH_SIZES="100"; shift ;;
        --only) ONLY=${2//,/ }; shift 2 ;;
        --runs) RUNS=$2; shift 2 ;;
        --batch-sizes) BATCH_SIZES=${2//,/ }; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        --il) IL=1; shift ;;
        -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
done
[ "$SLOW_RUNS" -le "$RUNS" ] || SLOW_RUNS=$RUNS

say() { printf 'bench: %s\n' "$*" >&2; }
[ "$(id -u)" = 0 ] || { say "must run as root (the lab uses network namespaces)"; exit 2; }
command -v dotnet >/dev/null || { say "the .NET SDK is required (dotnet on PATH)"; exit 2; }

need_pkg() { # COMMAND PACKAGE
    command -v "$1" >/dev/null && return 0
    say "installing $2"
    apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$2" >/dev/null
}
need_pkg /usr/bin/time time
need_pkg jq jq
need_pkg python3 python3

cd "$REPO"
COMMIT=$(git rev-parse --short HEAD)
git diff --quiet HEAD -- src tests/MailFlowTools.Benchmarks 2>/dev/null || COMMIT="$COMMIT-dirty"
DATE=$(date -u +%F)
STAMP="$DATE-$COMMIT"
WORK=$HERE/work/$STAMP-$$
RESULTS=$HERE/results
mkdir -p "$WORK" "$RESULTS"
RAW=$WORK/raw.jsonl
: >"$RAW"

# MAILFLOW_DLL from the environment measures another build of the CLI (then it is not built here).
BUILD_CLI=$BUILD
MAILFLOW_DLL_FROM_ENV=${MAILFLOW_DLL:-}
if [ -n "${MAILFLOW_DLL:-}" ]; then BUILD_CLI=0; else MAILFLOW_DLL=$REPO/src/MailFlowTools.Cli/bin/Release/net8.0/mailflow.dll; fi
BENCH_PROJ=$REPO/tests/MailFlowTools.Benchmarks
BENCH_DLL=$BENCH_PROJ/bin/Release/net10.0/MailFlowTools.Benchmarks.dll
if [ "$BUILD_CLI" = 1 ]; then
    say "building the CLI (Release)"
    dotnet build src/MailFlowTools.Cli -c Release --nologo -v q -clp:ErrorsOnly >&2
fi
# The native mailflow is what a Linux admin installs; the IL build (dotnet mailflow.dll) pays .NET's start on top.
MAILFLOW_BIN=
MAILFLOW_WHAT="the IL build, run with dotnet (start-up included in every time)"
if [ "$IL" = 0 ] && [ -z "${MAILFLOW_DLL_FROM_ENV:-}" ]; then
    if [ "$BUILD" = 1 ]; then
        say "publishing the native CLI"
        need_pkg clang clang
        dotnet publish src/MailFlowTools.Cli -c Release -r linux-x64 -p:PublishAot=true -o out/native --nologo -v q >&2 ||
            say "the native publish failed; measuring the IL build"
    fi
    if [ -x "$REPO/out/native/mailflow" ]; then
        MAILFLOW_BIN=$REPO/out/native/mailflow
        MAILFLOW_WHAT="the native build (out/native/mailflow, Native AOT, no .NET runtime)"
    fi
fi
if [ "$BUILD" = 1 ]; then
    if [ -f "$BENCH_PROJ/MailFlowTools.Benchmarks.csproj" ]; then
        say "building the parser benchmark (Release)"
        # Not fatal: the other scenarios do not need it, and the report says the parser rates are missing.
        if ! dotnet build "$BENCH_PROJ" -c Release --nologo -v q -clp:ErrorsOnly >&2; then
            say "the parser benchmark did not build; its scenario will be reported as not available"
            rm -f "$BENCH_DLL"
        fi
    fi
fi

# ------------------------------------------------------------------ the lab --
# The lab is shared: take it down at the end only if this run brought it up.
OWN_LAB=0
finish() {
    if [ "$OWN_LAB" = 1 ]; then say "taking the lab down (this run brought it up)"; bash "$LAB" down >&2 || true; fi
}
trap finish EXIT
ensure_lab() {
    bash "$LAB" status -q >/dev/null 2>&1 && return 0
    say "bringing the lab up"
    bash "$LAB" up >&2
    OWN_LAB=1
}

# The machine may be shared: give other work up to BENCH_CALM_WAIT_S to settle before a scenario.
# Each run records the load average it saw; the report shows the range.
wait_calm() {
    local limit end
    limit=$(( $(nproc) + 1 ))
    end=$(( SECONDS + ${BENCH_CALM_WAIT_S:-60} ))
    while [ "$(cut -d. -f1 /proc/loadavg)" -ge "$limit" ] && [ "$SECONDS" -lt "$end" ]; do sleep 5; done
}

# --------------------------------------------------------------- the scenarios --
meta() {
    local tp sc dg sw dn
    # (scamper -v exits 255)
    tp=$(tracepath -V 2>&1 | head -n 1 || true); sc=$(scamper -v 2>&1 | head -n 1 || true)
    dg=$(dig -v 2>&1 | head -n 1 || true); sw=$(swaks --version 2>&1 | head -n 1 || true)
    dn=$(dotnet --version 2>/dev/null || true)
    jq -nc --arg date "$(date -u '+%F %T UTC')" --arg commit "$COMMIT" --arg kernel "$(uname -r)" \
        --arg cpus "$(nproc)" --arg mem "$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)" \
        --arg load "$(cut -d' ' -f1-3 /proc/loadavg)" --arg runs "$RUNS" --arg slow "$SLOW_RUNS" \
        --arg tp "$tp" --arg sc "$sc" --arg dg "$dg" --arg sw "$sw" --arg dn "$dn" --arg sizes "$BATCH_SIZES" \
        --arg mf "$MAILFLOW_WHAT" \
        '{meta: {date:$date, commit:$commit, kernel:$kernel, cpus:$cpus, memory:$mem, loadavg:$load, mailflow:$mf,
                 runs:($runs|tonumber), slow_runs:($slow|tonumber), batch_sizes:$sizes, dotnet:$dn,
                 tools:{tracepath:$tp, scamper:$sc, dig:$dg, swaks:$sw}}}'
}
meta >>"$RAW"

export MAILFLOW_DLL MAILFLOW_BIN BENCH_RAW=$RAW BENCH_RUNS=$RUNS BENCH_SLOW_RUNS=$SLOW_RUNS BENCH_SLOW_MS=20000 \
    BENCH_BATCH_SIZES="$BATCH_SIZES" BENCH_BATCH_CAP_S=$BATCH_CAP_S BENCH_TMP=$WORK
DOTNET_CLI_TELEMETRY_OPTOUT=1; export DOTNET_CLI_TELEMETRY_OPTOUT

delivered_before=
APPENDED=()
for scenario in $ONLY; do
    start=$SECONDS
    case $scenario in
        startup|mtu|dns|smtp|batch)
            # The lab is shared: when someone takes it down mid-scenario (which kills every process in its
            # namespaces, ours too), drop that scenario's partial results and run it again on a fresh lab.
            for attempt in 1 2 3; do
                ensure_lab
                wait_calm
                [ -n "$delivered_before" ] || delivered_before=$(bash "$LAB" delivered)
                say "scenario $scenario"
                lines=$(wc -l <"$RAW")
                rc=0
                # Measured from inside the client namespace, so no tool pays for `ip netns exec`.
                ip netns exec mfl-client bash "$HERE/scenarios.sh" "$scenario" || rc=$?
                [ "$rc" != 0 ] || break
                say "scenario $scenario failed ($rc)"
                [ "$attempt" -lt 3 ] || break
                head -n "$lines" "$RAW" >"$RAW.tmp" && mv "$RAW.tmp" "$RAW"
                jq -nc --arg s "$scenario" --arg rc "$rc" \
                    '{note: "\($s): interrupted (exit \($rc); the shared lab was taken down or restarted meanwhile), partial results dropped, run again"}' >>"$RAW"
                delivered_before=
                say "running scenario $scenario again"
            done
            ;;
        parsers)
            if [ -f "$BENCH_DLL" ]; then
                say "scenario parsers"
                dotnet "$BENCH_DLL" parsers --runs "$RUNS" --jsonl >>"$RAW" || say "parser benchmark failed ($?)"
            else
                jq -nc '{scenario:"parsers", target:"all", tool:"MailFlowTools.Benchmarks", unavailable:"benchmark project not built"}' >>"$RAW"
            fi
            ;;
        native|throttle)
            # Their own scripts, each with its report, added to this one as a section.
            ensure_lab
            wait_calm
            [ -n "$delivered_before" ] || delivered_before=$(bash "$LAB" delivered)
            say "scenario $scenario"
            if [ -z "$MAILFLOW_BIN" ]; then
                jq -nc --arg s "$scenario" '{note: "\($s): not run (it measures the native mailflow, which is not built)"}' >>"$RAW"
            elif [ "$scenario" = native ]; then
                bash "$HERE/native.sh" --no-build --runs "$(( RUNS > 5 ? RUNS : 5 ))" >&2 && APPENDED+=("$RESULTS/native-latest.md") ||
                    jq -nc '{note: "native: native.sh failed"}' >>"$RAW"
            else
                bash "$HERE/mxpath-throttle.sh" --native --no-build --rtt "0 20" >&2 && APPENDED+=("$RESULTS/mxpath-throttle-native-latest.md") ||
                    jq -nc '{note: "throttle: mxpath-throttle.sh failed"}' >>"$RAW"
            fi
            ;;
        *) say "unknown scenario $scenario (startup mtu dns smtp batch parsers native throttle)"; exit 2 ;;
    esac
    say "scenario $scenario took $((SECONDS - start)) s"
done
if [ -n "$delivered_before" ]; then
    delivered_after=$(bash "$LAB" delivered)
    jq -nc --argjson b "$delivered_before" --argjson a "$delivered_after" '{delivered:{before:$b, after:$a}}' >>"$RAW"
fi

# ------------------------------------------------------------------ the report --
cp "$RAW" "$RESULTS/$STAMP.jsonl"
appends=()
for f in "${APPENDED[@]}"; do appends+=(--append "$f"); done
python3 "$HERE/report.py" "$RAW" --md "$RESULTS/$STAMP.md" --svg "$RESULTS/$STAMP.svg" "${appends[@]}"
cp "$RESULTS/$STAMP.md" "$RESULTS/latest.md"
cp "$RESULTS/$STAMP.svg" "$RESULTS/latest.svg"
rm -rf "$WORK"
say "results: $RESULTS/$STAMP.md, $RESULTS/$STAMP.svg (also latest.md, latest.svg)"
exit
}
