#!/usr/bin/env bash
# Sessions and commands each probe opens per mail server, counted in the servers' own logs.
#
#   bash tests/bench/sessions.sh [--no-build]
#
# Runs every SMTP-speaking probe once against Postfix (.25), Exim (.36) and OpenSMTPD (.37) on the lab's
# healthy path and counts, per run, the sessions each server logged (Postfix "connect from", Exim
# "SMTP connection from [", OpenSMTPD "smtp connected") and, for Postfix, the commands its "disconnect"
# lines total (Postfix counts them per session). Writes tests/bench/results/sessions-latest.md.
# A benchmark, not a test: nothing else may talk to these servers meanwhile, or the counts include it. Needs root.
set -euo pipefail
{
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
LAB=$REPO/tests/lab/lab.sh
STATE=${MFL_STATE:-/run/mfl}
BUILD=1
[ "${1:-}" = --no-build ] && BUILD=0
say() { printf 'sessions: %s\n' "$*" >&2; }
[ "$(id -u)" = 0 ] || { say "must run as root (the lab uses network namespaces)"; exit 2; }
cd "$REPO"
DLL=${MAILFLOW_DLL:-$REPO/src/MailFlowTools.Cli/bin/Release/net8.0/mailflow.dll}
if [ "$BUILD" = 1 ] && [ -z "${MAILFLOW_DLL:-}" ]; then dotnet build src/MailFlowTools.Cli -c Release --nologo -v q -clp:ErrorsOnly >&2; fi
bash "$LAB" status -q >/dev/null 2>&1 || { say "the lab is not up (bash tests/lab/lab.sh up)"; exit 2; }

POSTFIX_LOG=$STATE/postfix.log
EXIM_LOG=$STATE/exim/log/mainlog
SMTPD_LOG=$STATE/opensmtpd.log

count() { # FILE REGEX
    grep -cE "$2" "$1" 2>/dev/null || true
}
postfix_commands() { # total commands on Postfix smtpd disconnect lines from FIRST_LINE on
    # "commands=N" when every command succeeded, "commands=OK/ALL" otherwise
    tail -n +"$1" "$POSTFIX_LOG" | sed -n 's/.*postfix\/smtpd.* disconnect from .* commands=\([0-9/]*\).*/\1/p' | sed 's/.*\///' |
        awk '{ s += $1 } END { print s + 0 }'
}
settle() { sleep 2; } # the servers log a session's end after the client has gone

OUT=$HERE/results/sessions-latest.md
mkdir -p "$HERE/results"
{
    echo "# Sessions and commands per probe and server"
    echo
    echo "Commit $(git rev-parse --short HEAD), $(date -u '+%F %T UTC'). Healthy lab path, default options, one run each."
    echo "Sessions are counted in each server's own log; commands in Postfix's per-session \`commands=\` tally"
    echo "(Exim and OpenSMTPD do not log a per-session count). The README's session budget is the bound."
    echo
    echo "| probe | server | sessions | commands | exit |"
    echo "| --- | --- | --- | --- | --- |"
} >"$OUT"

run_probe() { # LABEL SERVER-NAME ADDRESS DOMAIN VERB ARGS...
    local label=$1 server=$2 address=$3 domain=$4; shift 4
    local args=("$@") before after line0 commands="" rc=0 log regex
    case $server in
        Postfix) log=$POSTFIX_LOG; regex='postfix/smtpd.* connect from ' ;;
        Exim) log=$EXIM_LOG; regex='SMTP connection from \[' ;;
        OpenSMTPD) log=$SMTPD_LOG; regex='smtp connected address=' ;;
    esac
    args=("${args[@]//@ADDR@/$address}"); args=("${args[@]//@DOMAIN@/$domain}")
    before=$(count "$log" "$regex"); line0=$(( $(wc -l <"$POSTFIX_LOG") + 1 ))
    ip netns exec mfl-client dotnet "$DLL" "${args[@]}" >/dev/null 2>&1 || rc=$?
    settle
    after=$(count "$log" "$regex")
    [ "$server" = Postfix ] && commands=$(postfix_commands "$line0")
    printf '| %s | %s (%s) | %s | %s | %s |\n' "$label" "$server" "$address" "$((after - before))" "${commands:-n/a}" "$rc" >>"$OUT"
    say "$label against $server: $((after - before)) sessions"
}

for target in "Postfix 198.51.100.25 healthy.lab.test" "Exim 198.51.100.36 exim.mta.test" "OpenSMTPD 198.51.100.37 smtpd.mta.test"; do
    read -r server address domain <<<"$target"
    dns=198.51.100.57; [ "$server" = Postfix ] && dns=198.51.100.56
    run_probe Get-SmtpStageTiming "$server" "$address" "$domain" Get-SmtpStageTiming @ADDR@
    run_probe "Find-MtuBlackHole -Method Sweep" "$server" "$address" "$domain" Find-MtuBlackHole @ADDR@ --method Sweep
    run_probe "Find-MtuBlackHole -Method Tcp" "$server" "$address" "$domain" Find-MtuBlackHole @ADDR@ --method Tcp
    run_probe Test-MxPath "$server" "$address" "$domain" Test-MxPath @DOMAIN@ --dns-server "$dns"
    run_probe "Debug-MailFlow" "$server" "$address" "$domain" Debug-MailFlow @DOMAIN@ --dns-server "$dns"
done
say "written to $OUT"
cat "$OUT"
}
