#!/usr/bin/env bash
# The whole test suite: installs what the tests need when missing, builds, then runs xunit
# (unit, module surface, PowerShell syntax, and lab integration tests when run as root).
# Usage: bash tests/run.sh [extra dotnet test arguments]
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
start=$SECONDS

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
  else
    echo "node and npm are needed for the PowerShell syntax checks (apt-get install nodejs npm)." >&2
  fi
fi
if [ "$(id -u)" = 0 ]; then
  # The lab's Debian packages (installed with their services kept from starting); the lab fixture brings it up.
  bash tests/lab/lab.sh install
  # Headless Chromium renders Debug-MailFlow's HTML report in the report tests (skipped without it).
  if ! command -v chromium >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null || echo "chromium could not be installed; the report rendering tests will be skipped." >&2
  fi
fi

if [ ! -d tests/syntax/node_modules/tree-sitter-powershell ]; then
  echo "Installing the PowerShell grammar (npm)"
  (cd tests/syntax && npm ci --no-audit --no-fund --loglevel=error)
fi

dotnet build MailFlowTools.slnx -c Release --nologo -v q -clp:ErrorsOnly

# PowerShell 7.6.10 and Pester 5.7.1 and 6.2.0 (from NuGet), then the module laid out in out/MailFlowTools.
pester_start=$SECONDS
bash tests/Pester/setup.sh
source <(bash tests/Pester/setup.sh --env)
pwsh -NoProfile -NonInteractive -File build.ps1 -Configuration Release -ModuleOnly >/tmp/mailflow-build-module.log 2>&1 ||
  { cat /tmp/mailflow-build-module.log >&2; echo "build.ps1 failed." >&2; exit 1; }
pester_setup_seconds=$((SECONDS - pester_start))

# No delivery: tests that deliver on purpose (--deliver, the swaks self-tests) write what they delivered to
# this ledger; after the suite, Postfix's own counts must equal the ledger's sum exactly.
ledger=$(mktemp /tmp/mailflow-deliveries.XXXXXX)
export MAILFLOW_DELIVERY_LEDGER=$ledger
lab=tests/lab/lab.sh
own_lab=0
count_deliveries=0
finish() {
  rm -f "$ledger"
  if [ "$own_lab" = 1 ]; then bash "$lab" down >/dev/null 2>&1 || true; fi
}
trap finish EXIT
if [ "$(id -u)" = 0 ]; then
  # Up before the tests (the lab fixture leaves a lab it finds up), so Postfix's log spans the whole suite.
  if bash "$lab" status -q >/dev/null 2>&1 || { bash "$lab" up >/dev/null && own_lab=1; }; then
    count_deliveries=1
    delivered0=$(bash "$lab" delivered)
    queued0=$(bash "$lab" delivered --queued)
  else
    echo "The lab did not come up here; the lab tests will say why." >&2
  fi
fi

# The hostile-peer and cancellation tests write their measured table here; it is printed at the end.
export MAILFLOW_TEST_RESULTS="$repo/TestResults"
rm -f "$MAILFLOW_TEST_RESULTS/robustness.md"
rc=0
dotnet test tests/MailFlowTools.Tests -c Release --no-build --nologo \
  --logger "console;verbosity=normal" --filter "Category!=Fuzz&Category!=Benchmark" "$@" | tee /tmp/mailflow-test.log || rc=$?

xunit_rc=$rc

# The Pester suite in real PowerShell, once per Pester version. As root it runs inside the lab's client
# namespace, where the lab scenarios are reachable; a failing, erroring or empty run fails the suite.
pester_start=$SECONDS
pester_tallies=()
in_client=()
if [ "$(id -u)" = 0 ] && bash "$lab" status -q >/dev/null 2>&1; then in_client=(ip netns exec mfl-client); fi
for pester in $MAILFLOW_PESTER_MODULES; do
  log=$(mktemp /tmp/mailflow-pester.XXXXXX)
  prc=0
  "${in_client[@]}" pwsh -NoProfile -NonInteractive -File tests/Pester/Invoke-MailFlowPester.ps1 -PesterModule "$pester" 2>&1 | tee "$log" || prc=$?
  tally=$(grep -E '^Pester [0-9.]+: [0-9]+ passed, [0-9]+ failed' "$log" | tail -1 || true)
  pester_tallies+=("${tally:-Pester ($pester): no tally (the run broke)}")
  if [ "$prc" != 0 ] || [ -z "$tally" ]; then rc=1; fi
  rm -f "$log"
done
# Control: the same suite against a module that imports cleanly and exports nothing must fail.
empty=$(mktemp -d /tmp/mailflow-empty-module.XXXXXX)
printf "@{ ModuleVersion = '0.1.0'; CmdletsToExport = @(); FunctionsToExport = @() }\n" >"$empty/MailFlowTools.psd1"
first_pester=${MAILFLOW_PESTER_MODULES%% *}
if pwsh -NoProfile -NonInteractive -File tests/Pester/Invoke-MailFlowPester.ps1 -PesterModule "$first_pester" \
     -ModulePath "$empty/MailFlowTools.psd1" >/tmp/mailflow-pester-empty.log 2>&1; then
  echo "FAIL: the Pester suite passed against a module that exports nothing (/tmp/mailflow-pester-empty.log)." >&2
  rc=1
  pester_tallies+=("Pester control (empty module): PASSED, which is wrong")
else
  pester_tallies+=("Pester control (empty module): $(grep -E '^Pester [0-9.]+: ' /tmp/mailflow-pester-empty.log | tail -1 | sed 's/^Pester [0-9.]*: //') - fails, as it must")
fi
rm -rf "$empty"
pester_seconds=$((SECONDS - pester_start))

if [ "$count_deliveries" = 1 ] && bash "$lab" status -q >/dev/null 2>&1; then
  expected=$(awk -F'\t' '{ n += $1 } END { print n + 0 }' "$ledger")
  for _ in $(seq 50); do # Postfix logs a delivery a moment after it accepts the message
    delivered=$(( $(bash "$lab" delivered) - delivered0 ))
    [ "$delivered" -ge "$expected" ] && break
    sleep 0.2
  done
  queued=$(( $(bash "$lab" delivered --queued) - queued0 ))
  echo "No delivery: during the suite Postfix delivered $delivered and queued $queued message(s); the tests that deliver on purpose account for $expected:"
  sort -t "$(printf '\t')" -k2 "$ledger" | awk -F'\t' '{ printf "  %s  %s\n", $1, $2 }'
  if [ "$delivered" != "$expected" ] || [ "$queued" != "$expected" ]; then
    echo "FAIL: something delivered or queued mail without --deliver (Postfix log: /run/mfl/postfix.log)." >&2
    rc=1
  fi
fi
if [ -f "$MAILFLOW_TEST_RESULTS/robustness.md" ]; then
  echo
  echo "==== $MAILFLOW_TEST_RESULTS/robustness.md"
  cat "$MAILFLOW_TEST_RESULTS/robustness.md"
fi
echo
grep -E '^(Passed|Failed)!' /tmp/mailflow-test.log | tail -1 | sed 's/^/xunit: /' || true
[ "$xunit_rc" = 0 ] || echo "xunit: exit code $xunit_rc"
printf '%s\n' "${pester_tallies[@]}"
echo "PowerShell set-up and module build took ${pester_setup_seconds} s; the Pester runs took ${pester_seconds} s."
echo "Test suite finished in $((SECONDS - start)) s."
exit "$rc"
