#!/usr/bin/env bash
# The whole test suite: installs what the tests need when missing, builds, then runs xunit
# (unit, module surface, PowerShell syntax, and lab integration tests when run as root).
# Usage: bash tests/run.sh [extra dotnet test arguments]
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
start=$SECONDS

need_apt=()
command -v node >/dev/null || need_apt+=(nodejs npm)
command -v npm >/dev/null || need_apt+=(npm)
if [ "$(id -u)" = 0 ]; then
  # The lab's packages; lab.sh installs them too, but doing it once here keeps the lab fixture fast.
  for tool in nft:nftables knotd:knot kdig:knot-dnsutils unbound:unbound postfix:postfix swaks:swaks \
              tshark:tshark dig:dnsutils ping:iputils-ping tracepath:iputils-tracepath scamper:scamper \
              socat:socat jq:jq chromium:chromium; do
    command -v "${tool%%:*}" >/dev/null || [ -x "/usr/sbin/${tool%%:*}" ] || need_apt+=("${tool#*:}")
  done
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "Installing: ${need_apt[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "Missing packages (run as root to install): ${need_apt[*]}" >&2
  fi
fi

if [ ! -d tests/syntax/node_modules/tree-sitter-powershell ]; then
  echo "Installing the PowerShell grammar (npm)"
  (cd tests/syntax && npm ci --no-audit --no-fund --loglevel=error)
fi

dotnet build MailFlowTools.slnx -c Release --nologo -v q -clp:ErrorsOnly
dotnet test tests/MailFlowTools.Tests -c Release --no-build --nologo \
  --logger "console;verbosity=normal" --filter "Category!=Fuzz&Category!=Benchmark" "$@" | tee /tmp/mailflow-test.log
echo "Test suite finished in $((SECONDS - start)) s."
