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
# The hostile-peer and cancellation tests write their measured table here; it is printed at the end.
export MAILFLOW_TEST_RESULTS="$repo/TestResults"
rm -f "$MAILFLOW_TEST_RESULTS/robustness.md"
status=0
dotnet test tests/MailFlowTools.Tests -c Release --no-build --nologo \
  --logger "console;verbosity=normal" --filter "Category!=Fuzz&Category!=Benchmark" "$@" | tee /tmp/mailflow-test.log || status=$?
if [ -f "$MAILFLOW_TEST_RESULTS/robustness.md" ]; then
  echo
  echo "==== $MAILFLOW_TEST_RESULTS/robustness.md"
  cat "$MAILFLOW_TEST_RESULTS/robustness.md"
fi
echo "Test suite finished in $((SECONDS - start)) s."
exit "$status"
