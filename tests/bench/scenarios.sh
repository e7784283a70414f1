#!/usr/bin/env bash
# One benchmark scenario, run inside the lab's client namespace by run.sh:
#   ip netns exec mfl-client bash scenarios.sh SCENARIO
# Appends one JSON line per measured run to $BENCH_RAW. Needs: MAILFLOW_BIN (the native mailflow) or MAILFLOW_DLL
# (the IL build, run with dotnet), BENCH_RAW, BENCH_RUNS,
# BENCH_SLOW_RUNS, BENCH_SLOW_MS, BENCH_BATCH_SIZES, BENCH_BATCH_CAP_S, BENCH_TMP.
set -uo pipefail
# The whole script is one compound command, parsed before it runs: editing the file during a run is safe.
{

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
if [ -n "${MAILFLOW_BIN:-}" ]; then MAILFLOW=("$MAILFLOW_BIN"); else MAILFLOW=(dotnet "$MAILFLOW_DLL"); fi
PEERS=(bash "$HERE/peers.sh")
TMPD=$BENCH_TMP
TRACEPATH_CAP=120   # tracepath on a black hole takes ~90 s to give up; never longer than this

say() { printf 'bench: %s\n' "$*" >&2; }

# ------------------------------------------------------------------ measuring --

# measure OUT CMD…: runs CMD with stdout in OUT (stderr in OUT.err); sets WALL_MS, RSS_KB, RC.
measure() {
    local out=$1 t0 t1; shift
    t0=$EPOCHREALTIME
    /usr/bin/time -f '%M' -o "$TMPD/rss" "$@" >"$out" 2>"$out.err"
    RC=$?
    t1=$EPOCHREALTIME
    WALL_MS=$(( (${t1/./} - ${t0/./}) / 1000 ))
    RSS_KB=$(tail -n 1 "$TMPD/rss" 2>/dev/null)
    [[ $RSS_KB =~ ^[0-9]+$ ]] || RSS_KB=null
}

# record SCENARIO TARGET TOOL RUN VERDICT_JSON [EXTRA_JSON]
record() {
    local extra=${6:-}
    [ -n "$extra" ] || extra='{}'
    jq -nc --arg s "$1" --arg t "$2" --arg tool "$3" --argjson run "$4" --argjson v "$5" \
        --argjson extra "$extra" --argjson load "$(cut -d' ' -f1 /proc/loadavg)" --argjson wall "$WALL_MS" --argjson rss "$RSS_KB" --argjson rc "$RC" \
        '{scenario:$s, target:$t, tool:$tool, run:$run, wall_ms:$wall, rss_kb:$rss, rc:$rc, load1:$load, verdict:$v} + $extra' \
        >>"$BENCH_RAW"
}

# unavailable SCENARIO TARGET TOOL REASON
unavailable() {
    jq -nc --arg s "$1" --arg t "$2" --arg tool "$3" --arg why "$4" \
        '{scenario:$s, target:$t, tool:$tool, unavailable:$why}' >>"$BENCH_RAW"
    say "$1 $2 $3: not available ($4)"
}

# bench SCENARIO TARGET TOOL PARSER [--before FUNC] -- CMD…
# Runs CMD BENCH_RUNS times (BENCH_SLOW_RUNS when the first run took longer than BENCH_SLOW_MS, once when
# it took longer than 5 minutes),
# turns each output into a verdict with PARSER (prints a JSON object) and records it.
bench() {
    local scen=$1 target=$2 tool=$3 parser=$4 before=true; shift 4
    if [ "$1" = --before ]; then before=$2; shift 2; fi
    [ "$1" = -- ] && shift
    local runs=$BENCH_RUNS i=1 out verdict
    out=$TMPD/out.$$
    while [ "$i" -le "$runs" ]; do
        $before
        measure "$out" "$@"
        verdict=$($parser "$out" "$target" 2>>"$TMPD/parser.err") || verdict='{"text":"unparsed output"}'
        [ -n "$verdict" ] || verdict='{"text":"unparsed output"}'
        record "$scen" "$target" "$tool" "$i" "$verdict" "${BENCH_EXTRA:-}"
        say "$scen $target $tool run $i/$runs: ${WALL_MS} ms, $(jq -r '.text' <<<"$verdict")"
        if [ "$i" = 1 ] && [ "$WALL_MS" -gt "$BENCH_SLOW_MS" ] && [ "$BENCH_SLOW_RUNS" -lt "$runs" ]; then
            runs=$BENCH_SLOW_RUNS
        fi
        if [ "$i" = 1 ] && [ "$WALL_MS" -gt 300000 ]; then runs=1; fi
        i=$((i + 1))
    done
}

have_verb() { grep -qix "  $1" "$TMPD/verbs"; }

# How a verb takes many names: "stdin" when its first positional parameter says it reads standard input,
# "args" when that parameter takes several values ("<string,...> (position 0)"), else "one" (one name per process).
names_mode() {
    local help
    help=$("${MAILFLOW[@]}" "$1" --help 2>&1)
    if grep -A1 '> (position 0)' <<<"$help" | grep -qi 'standard input'; then echo stdin
    elif grep -q ',\.\.\.> (position 0)' <<<"$help"; then echo args
    else echo one; fi
}

# Every tool starts without a path MTU learned by the one before it.
flush_pmtu() { ip route flush cache >/dev/null 2>&1; ip -6 route flush cache >/dev/null 2>&1; true; }

# ------------------------------------------------------------------ verdicts --

v_mailflow_mtu() { # merges every result object for the address (Auto, then Sweep where it ran)
    jq -c --arg a "$2" -s '
        [.[][] | select(.Address == $a)] as $r
        | if ($r | length) == 0 then {text: "no result"} else
          ([$r[] | .PathMtu | select(. != null)] | first) as $pmtu
          | ([$r[] | .BlackHole] | any) as $bh
          | ([$r[] | .FailingPayloadSizes[]?] | unique) as $loss
          | {pmtu: $pmtu, blackhole: $bh, loss: $loss,
             codes: ([$r[] | .Findings[]?.Code] | unique),
             engine_ms: ([$r[] | .ElapsedMs] | add),
             text: ("PMTU \($pmtu // "?")" + (if $bh then ", black hole" else "" end)
                    + (if ($loss | length) > 0 then ", loss of \($loss | map(tostring) | join("/"))-byte payloads" else "" end))}
          end' "$1"
}

v_tracepath() {
    local pmtu
    pmtu=$(grep -o 'pmtu [0-9]*' "$1" | tail -n 1 | awk '{print $2}')
    if [ "$RC" = 124 ]; then
        jq -nc --argjson p "${pmtu:-null}" '{pmtu:$p, blackhole:null, capped:true, text:"no result within the \(120) s cap"}'
    else
        jq -nc --argjson p "${pmtu:-null}" '{pmtu:$p, blackhole:null, text:("pmtu \($p // "?")")}'
    fi
}

v_ping_bisect() {
    local pmtu probes
    pmtu=$(awk '/^pmtu/ {print $2}' "$1"); probes=$(awk '/^probes/ {print $2}' "$1")
    jq -nc --argjson p "${pmtu:-null}" --argjson n "${probes:-null}" \
        '{pmtu:$p, blackhole:null, probes:$n, text:(if $p then "largest echo \($p) bytes" else "no reply" end)}'
}

v_scamper() { # the hop that is the destination carries "[mtu: N]", or "[*mtu: N]" when inferred from silence
    local line pmtu bh=false
    line=$(grep -F " $2 " "$1" | grep -o '\[\*\?mtu: [0-9]*\]' | tail -n 1)
    pmtu=$(grep -o '[0-9]*' <<<"$line")
    [[ $line == *'*mtu'* ]] && bh=true
    [ -n "$pmtu" ] || bh=null
    jq -nc --argjson p "${pmtu:-null}" --argjson bh "$bh" \
        '{pmtu:$p, blackhole:$bh, text:(if $p == null then "no MTU result"
            elif $bh then "mtu \($p), inferred from silence (no too-big)" else "mtu \($p)" end)}'
}

v_mailflow_edns() {
    jq -c '.[0] as $r | if $r == null then {text:"no result"} else
        {lost: ($r.SmallestLostBufferSize != null), tcp: $r.TcpWorks, largest_udp: $r.LargestUdpAnswer,
         smallest_lost_buffer: $r.SmallestLostBufferSize, probes: ($r.Probes | length),
         codes: [$r.Findings[]?.Code], engine_ms: $r.ElapsedMs,
         text: ((if $r.SmallestLostBufferSize != null then "UDP lost from bufsize \($r.SmallestLostBufferSize)" else "UDP ok" end)
                + (if $r.TcpWorks == false then ", TCP blocked" elif $r.TcpWorks then ", TCP ok" else "" end))} end' "$1"
}

v_dig_matrix() {
    awk '
        { split($2, rc, "="); split($3, sz, "="); }
        $1 == "tcp" { tcp = (rc[2] == 0) ? "true" : "false"; next }
        { if (rc[2] != 0) { lost = lost (lost ? "," : "") $1 } else if (sz[2] > big) big = sz[2] }
        END {
            printf "{\"lost\":%s,\"tcp\":%s,\"largest_udp\":%d,\"lost_labels\":\"%s\",\"probes\":%d,", \
                (lost ? "true" : "false"), (tcp ? tcp : "null"), big, lost, NR
            printf "\"text\":\"%s%s\"}\n", (lost ? "UDP lost at " lost : "UDP ok"), \
                (tcp == "false" ? ", TCP failed" : (tcp == "true" ? ", TCP ok" : ""))
        }' "$1"
}

v_mailflow_smtp() {
    jq -c '{stages: [.[] | {stage: .Stage, code: .ReplyCode, ms: .ElapsedMs, outcome: .Outcome}],
            engine_ms: ([.[] | .ElapsedMs] | add)}
           | . + {text: ([.stages[] | select(.code != null) | "\(.stage) \(.code)"] | join(", "))}' "$1"
}

# swaks prints "=== response in 0.001s" before each reply when run with --show-time-lapse.
v_swaks() {
    awk '
        function put(stage, ms, code) { out = out (out ? "," : "") sprintf("{\"stage\":\"%s\",\"code\":%s,\"ms\":%s}", stage, code, ms) }
        /^ *(->|~>) / { cmd = toupper($2); next }
        /^=== response in/ { gsub(/s$/, "", $4); pending = $4 * 1000; havepending = 1; next }
        /^ *(<-|<~) / && havepending {
            code = substr($2, 1, 3)
            if (cmd == "") stage = "Banner"
            else if (cmd == "EHLO" && tls) stage = "EhloTls"
            else if (cmd == "EHLO") stage = "Ehlo"
            else if (cmd == "STARTTLS") { stage = "StartTls"; tls = 1 }
            else if (cmd == "MAIL") stage = "MailFrom"
            else if (cmd == "RCPT") stage = "RcptTo"
            else if (cmd == "QUIT") stage = "Quit"
            else stage = cmd
            put(stage, pending, code); havepending = 0
            texts = texts (texts ? ", " : "") stage " " code
        }
        END { printf "{\"stages\":[%s],\"text\":\"%s\"}\n", out, texts }' "$1"
}

v_batch_mxpath() {
    jq -c -s --argjson n "$(wc -l <"$2")" '[.[][]] as $r
        | {n: $n, results: ($r | length), ok: ([$r[] | select(.Reachable == true)] | length)}
        | . + {text: "\(.ok) of \(.n) reachable"}' "$1"
}

v_batch_edns() {
    jq -c -s --argjson n "$(wc -l <"$2")" '[.[][]] as $r
        | {n: $n, results: ($r | length),
           ok: ([$r[] | select(.TcpWorks == true and .SmallestLostBufferSize == null)] | length)}
        | . + {text: "\(.ok) of \(.n) clean (every size and TCP answered)"}' "$1"
}

v_batch_dig() {
    local n ok
    n=$(wc -l <"$2"); ok=$(grep -c 'status: NOERROR' "$1")
    jq -nc --argjson n "$n" --argjson ok "$ok" '{n:$n, answers:$ok, ok:($ok / 7 | floor), text:"\($ok) of \($n * 7) queries answered"}'
}

v_batch_swaks() {
    local n ok
    n=$(wc -l <"$2"); ok=$(grep -c ': ok via' "$1")
    jq -nc --argjson n "$n" --argjson ok "$ok" '{n:$n, ok:$ok, text:"\($ok) of \($n) reached RCPT"}'
}

# ------------------------------------------------------------------ scenarios --

# Runs a command with a file as its standard input (exec: the timed process is the command itself).
if [ "${1:-}" = with-stdin ]; then
    f=$2; shift 2
    exec "$@" <"$f"
fi

# Two mailflow runs as one measurement: the default probe (the path MTU), then the payload sweep.
if [ "${1:-}" = mailflow-auto-then-sweep ]; then
    "${MAILFLOW[@]}" Find-MtuBlackHole "$2" --json
    "${MAILFLOW[@]}" Find-MtuBlackHole "$2" --method Sweep --json
    exit 0
fi

scenario_mtu() {
    local a
    for a in 198.51.100.27 2001:db8:5::27 198.51.100.28 2001:db8:5::28 198.51.100.26; do
        if have_verb Find-MtuBlackHole; then
            if [ "$a" = 198.51.100.26 ]; then
                # Size-specific loss is the sweep's job: a user runs the default probe, then --method Sweep.
                bench mtu "$a" mailflow v_mailflow_mtu --before flush_pmtu -- bash "$HERE/scenarios.sh" mailflow-auto-then-sweep "$a"
            else
                bench mtu "$a" mailflow v_mailflow_mtu --before flush_pmtu -- "${MAILFLOW[@]}" Find-MtuBlackHole "$a" --json
            fi
        else
            unavailable mtu "$a" mailflow "verb Find-MtuBlackHole missing"
        fi
        bench mtu "$a" ping-bisect v_ping_bisect --before flush_pmtu -- "${PEERS[@]}" ping-bisect "$a"
        bench mtu "$a" tracepath v_tracepath --before flush_pmtu -- timeout "$TRACEPATH_CAP" tracepath -n "$a"
        # UDP probes work for scamper on both families here (udp-paris gets no replies over IPv6 in the lab).
        bench mtu "$a" scamper v_scamper --before flush_pmtu -- timeout "$TRACEPATH_CAP" scamper -O text -c "trace -P udp -M" -i "$a"
    done
}

scenario_dns() {
    local s
    for s in 198.51.100.53 198.51.100.54 198.51.100.55; do
        if have_verb Test-EdnsReachability; then
            # The same 2 s per-probe wait as the dig runs.
            bench dns "$s" mailflow v_mailflow_edns -- "${MAILFLOW[@]}" Test-EdnsReachability big.lab.test --server "$s" --timeout-seconds 2 --json
        else
            unavailable dns "$s" mailflow "verb Test-EdnsReachability missing"
        fi
        bench dns "$s" dig v_dig_matrix -- "${PEERS[@]}" dig-matrix big.lab.test "$s"
    done
}

# The floor under every mailflow time: starting the process (the CLI's --help does no work).
scenario_startup() {
    bench startup "process start" mailflow v_none -- "${MAILFLOW[@]}" --help
    bench startup "process start" dig v_none -- dig -v
    bench startup "process start" swaks v_none -- swaks --version
}
v_none() { echo '{"text":"started and exited"}'; }

scenario_smtp() {
    local server=198.51.100.25 swaks=(swaks --server 198.51.100.25 --to postmaster@lab.test --from probe@lab.test
        --helo client.lab.test --quit-after RCPT --show-time-lapse --timeout 30)
    if have_verb Get-SmtpStageTiming; then
        # The same transaction as swaks: no STARTTLS, one command at a time, stop after RCPT.
        bench smtp plain mailflow v_mailflow_smtp -- "${MAILFLOW[@]}" Get-SmtpStageTiming "$server" --to postmaster@lab.test \
            --from probe@lab.test --stop-after Rcpt --start-tls Off --pipelining Off --json
        bench smtp starttls mailflow v_mailflow_smtp -- "${MAILFLOW[@]}" Get-SmtpStageTiming "$server" --to postmaster@lab.test \
            --from probe@lab.test --stop-after Rcpt --start-tls Require --pipelining Off --json
    else
        unavailable smtp plain mailflow "verb Get-SmtpStageTiming missing"
        unavailable smtp starttls mailflow "verb Get-SmtpStageTiming missing"
    fi
    bench smtp plain swaks v_swaks -- "${swaks[@]}"
    bench smtp starttls swaks v_swaks -- "${swaks[@]}" -tls
}

# batch_run SIZE TOOL PARSER NAMES_FILE MODE CMD…: MODE "stdin" gives one process every name on its standard
# input, "args" passes the names as arguments (1,000 per process via xargs), "one" runs one process per name,
# "peer" runs CMD as it is.
# Peers and one-process-per-name runs skip sizes that would take longer than BENCH_BATCH_CAP_S at the rate
# of the smaller size; mailflow given the whole batch always runs (that is what is measured).
declare -A RATE
batch_run() {
    local size=$1 tool=$2 parser=$3 file=$4 mode=$5 est; shift 5
    if [ -n "${RATE[$tool]:-}" ] && [ "$mode" != stdin ] && [ "$mode" != args ]; then
        est=$(awk -v n="$size" -v r="${RATE[$tool]}" 'BEGIN { printf "%d", n / r }')
        if [ "$est" -gt "$BENCH_BATCH_CAP_S" ]; then
            unavailable batch "$size" "$tool" "skipped: about ${est} s at $(printf '%.1f' "${RATE[$tool]}") domains/s (cap ${BENCH_BATCH_CAP_S} s)"
            return
        fi
    fi
    BENCH_EXTRA=$(jq -nc --arg m "$mode" '{names:$m}')
    case $mode in
        stdin) bench batch "$size" "$tool" "$parser" -- bash "$HERE/scenarios.sh" with-stdin "$file" "$@" ;;
        args) bench batch "$size" "$tool" "$parser" -- xargs -a "$file" -n 1000 "$@" ;;
        one) bench batch "$size" "$tool" "$parser" -- xargs -a "$file" -n 1 "$@" ;;
        peer) bench batch "$size" "$tool" "$parser" -- "$@" ;;
    esac
    BENCH_EXTRA=
    RATE[$tool]=$(jq -rs --arg t "$tool" --arg s "$size" \
        '[.[] | select(.scenario == "batch" and .tool == $t and .target == $s and .wall_ms != null)] | map(.wall_ms) | sort
         | .[length / 2 | floor] as $m | ($s | tonumber) * 1000 / $m' "$BENCH_RAW")
}

# The verdict parsers look up the size's name file by the target (the size): give them the file instead.
batch_parser() { local p=$1 out=$2 size=$3; "$p" "$out" "$TMPD/domains-$size.txt"; }
p_mxpath() { batch_parser v_batch_mxpath "$@"; }
p_edns() { batch_parser v_batch_edns "$@"; }
p_dig() { batch_parser v_batch_dig "$@"; }
p_swaks() { batch_parser v_batch_swaks "$@"; }

scenario_batch() {
    local size f
    for size in $BENCH_BATCH_SIZES; do
        f=$TMPD/domains-$size.txt
        seq -f 'd%04g.bulk.test' 1 "$size" >"$f"
        dig_batch=$TMPD/dig-$size.txt
        "${PEERS[@]}" dig-batch-file 198.51.100.53 "$f" >"$dig_batch"

        if have_verb Test-MxPath; then
            # --recipient postmaster: MAIL FROM:<> and RCPT, the same work as the swaks peer (never DATA).
            batch_run "$size" mailflow-mxpath p_mxpath "$f" "$(names_mode Test-MxPath)" "${MAILFLOW[@]}" Test-MxPath \
                --recipient postmaster --throttle-limit 32 --json
        else
            unavailable batch "$size" mailflow-mxpath "verb Test-MxPath missing"
        fi
        batch_run "$size" peer-dig-swaks p_swaks "$f" peer xargs -a "$f" -n 1 -P 32 "${PEERS[@]}" mx-swaks

        if have_verb Test-EdnsReachability; then
            batch_run "$size" mailflow-edns p_edns "$f" "$(names_mode Test-EdnsReachability)" "${MAILFLOW[@]}" Test-EdnsReachability \
                --server 198.51.100.53 --timeout-seconds 2 --json
        else
            unavailable batch "$size" mailflow-edns "verb Test-EdnsReachability missing"
        fi
        batch_run "$size" peer-dig-f p_dig "$f" peer dig -f "$dig_batch"
    done
}

"${MAILFLOW[@]}" --help 2>/dev/null | sed -n 's/^  \([A-Z][A-Za-z]*-[A-Za-z]*\)$/  \1/p' >"$TMPD/verbs"
case ${1:-} in
    mtu) scenario_mtu ;;
    dns) scenario_dns ;;
    smtp) scenario_smtp ;;
    startup) scenario_startup ;;
    batch) scenario_batch ;;
    *) echo "usage: scenarios.sh mtu|dns|smtp|batch|startup" >&2; exit 2 ;;
esac
exit
}
