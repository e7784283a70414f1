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
echo "Test suite finished in $((SECONDS - start)) s."
exit "$rc"
