#!/usr/bin/env bash
# The main job, end to end: bring up the network fault lab (remembering whether it was already up), build the
# mailflow CLI in Release, explain the incident-1 NDR, run Debug-MailFlow against every lab scenario with its
# readable explanation, write one HTML report (out/demo/blackhole.html), print a one-line-per-scenario summary,
# then show the PowerShell module on the same lab (tests/lab/demo.ps1 in pwsh inside the client namespace:
# Exchange-shaped objects piped into the cmdlets, Debug-MailFlow with each cause checked), and take the lab down at
# the end only if this script brought it up.
# Usage (as root): bash tests/lab/demo.sh
# Exit 0 when every scenario, CLI and PowerShell, gets its expected cause and nothing was delivered, 1 otherwise.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$repo"
lab="$repo/tests/lab/lab.sh"
[ "$(id -u)" = 0 ] || { echo "demo: run as root (the lab uses network namespaces)." >&2; exit 2; }

was_up=0
if bash "$lab" status >/dev/null 2>&1; then
    was_up=1
    echo "== The lab is already up; it is left as it is."
else
    echo "== Bringing the lab up"
    bash "$lab" up
fi
cleanup() {
    if [ "$was_up" = 0 ]; then
        echo "== Taking the lab down (this script brought it up)"
        bash "$lab" down || true
    fi
}
trap cleanup EXIT

echo "== Building the mailflow CLI (Release)"
dotnet build src/MailFlowTools.Cli -c Release --nologo -v q -clp:ErrorsOnly
cli="$repo/src/MailFlowTools.Cli/bin/Release/net8.0/mailflow.dll"
mailflow() { ip netns exec mfl-client dotnet "$cli" "$@"; }

echo
echo "== mailflow Resolve-SmtpStatus --path samples/ndr-incident1.txt"
mailflow Resolve-SmtpStatus --path samples/ndr-incident1.txt || true

scenarios=(
    "big.lab.test LargeUdpResponsesLost"
    "sizeloss.lab.test SizeSpecificLoss"
    "blackhole.lab.test PmtudBlackHole"
    "masked.lab.test BannerMasked"
    "stall.lab.test TransferStalled"
    "failover.lab.test NoBannerAfterConnect"
    "nullmx.lab.test NullMx"
    "unreachable.lab.test AllHopsFailed"
    "healthy.lab.test None"
)
mkdir -p out/demo
delivered_before=$(bash "$lab" delivered)
maillog="${MFL_STATE:-/run/mfl}/postfix.log"
log_before=$(wc -l <"$maillog" 2>/dev/null || echo 0)
summary=()
failures=0
for entry in "${scenarios[@]}"; do
    read -r domain expected <<<"$entry"
    args=(Debug-MailFlow "$domain")
    if [ "$domain" = blackhole.lab.test ]; then
        args+=(--report-path out/demo/blackhole.html)
    fi
    echo
    echo "== mailflow ${args[*]}"
    start=$(date +%s%N)
    set +e
    output=$(mailflow "${args[@]}" 2>&1)
    rc=$?
    set -e
    seconds=$(( ($(date +%s%N) - start) / 1000000 ))
    printf '%s\n' "$output"
    # First line: "domain: Cause (location: X)   [n s]" or "domain: no path problem found   [n s]".
    found=$(printf '%s\n' "$output" | grep -m1 "^$domain: " | sed -E 's/^[^:]+: no path problem found.*/None/; s/^[^:]+: ([A-Za-z0-9]+) \(location.*/\1/')
    found=${found:-"(exit $rc)"}
    verdict=ok
    if [ "$found" != "$expected" ]; then verdict=MISMATCH; failures=$((failures + 1)); fi
    summary+=("$(printf '%-22s %-24s %-24s %6d.%01d s  exit %d  %s' "$domain" "$expected" "$found" $((seconds / 1000)) $(((seconds % 1000) / 100)) "$rc" "$verdict")")
done

# The same engines as PowerShell cmdlets: pwsh 7.6.10 (installed when missing) and the module built into out/.
echo
echo "== The PowerShell module in pwsh, inside the client namespace (tests/lab/demo.ps1)"
ps_scenarios="blackhole.lab.test=PmtudBlackHole masked.lab.test=BannerMasked stall.lab.test=TransferStalled healthy.lab.test=None"
ps_rc=0
if bash tests/Pester/setup.sh; then
    source <(bash tests/Pester/setup.sh --env)
    if pwsh -NoProfile -NonInteractive -File build.ps1 -Configuration Release -ModuleOnly >/tmp/mailflow-demo-module.log 2>&1; then
        ip netns exec mfl-client pwsh -NoProfile -NonInteractive -File tests/lab/demo.ps1 \
            -ModulePath out/MailFlowTools/MailFlowTools.psd1 -Expected "$ps_scenarios" || ps_rc=$?
    else
        cat /tmp/mailflow-demo-module.log >&2
        echo "demo: build.ps1 -ModuleOnly failed; the PowerShell part did not run." >&2
        ps_rc=1
    fi
else
    echo "demo: pwsh could not be installed (bash tests/Pester/setup.sh); the PowerShell part did not run." >&2
    ps_rc=1
fi
if [ "$ps_rc" != 0 ]; then failures=$((failures + 1)); fi
for entry in $ps_scenarios; do scenarios+=("${entry%%=*} ${entry#*=}"); done

delivered_after=$(bash "$lab" delivered)
# Debug-MailFlow's probes write to postmaster@<the domain>: any delivery of ours shows up under that address.
domains=$(printf '%s\n' "${scenarios[@]}" | cut -d' ' -f1 | sed 's/\./\\./g' | paste -sd'|')
ours=$(tail -n +"$((log_before + 1))" "$maillog" 2>/dev/null | grep 'status=sent' | grep -cE "to=<postmaster@($domains)>" || true)

echo
echo "== Summary"
printf '%-22s %-24s %-24s %8s\n' domain expected found time
for line in "${summary[@]}"; do echo "$line"; done
echo "Messages delivered by Debug-MailFlow's probes: ${ours:-0} (must be 0)."
if [ "$delivered_after" != "$delivered_before" ]; then
    echo "Note: the lab's Postfix delivered $((delivered_after - delivered_before)) message(s) meanwhile, none of them to the probes' recipients: other users of this shared lab."
else
    echo "Messages delivered by the lab's Postfix during the demo: 0 (lab.sh delivered unchanged)."
fi
echo "PowerShell part: $([ "$ps_rc" = 0 ] && echo "every cause found" || echo "FAILED (exit $ps_rc)")."
echo "HTML report: $repo/out/demo/blackhole.html"
if [ "${ours:-0}" != 0 ]; then failures=$((failures + 1)); fi
[ "$failures" = 0 ]
