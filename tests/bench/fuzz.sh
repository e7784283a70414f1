#!/usr/bin/env bash
# Fuzzes the two wire parsers with mutated real captures, a million inputs each by default:
#   the DNS message reader (and writer round trip), seeded from tests/Fixtures/dns (lab answers);
#   the SMTP reply parser (fed whole and in random pieces), seeded from tests/Fixtures/smtp (lab Postfix replies).
#
#   bash tests/bench/fuzz.sh [iterations] [seed]
#
# Prints counts, rates and findings for each, and exits non-zero if either found anything. A benchmark-style
# command: CI does not run it (the test suite only runs the hostile-peer tests). Needs no root and no lab.
# Re-capture the seeds in the lab: ip netns exec mfl-client dotnet tests/MailFlowTools.Fuzz/bin/Release/net10.0/MailFlowTools.Fuzz.dll capture 198.51.100.53
# (DNS) or … capture-smtp 198.51.100.25 (SMTP; never delivers).
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ITERATIONS=${1:-1000000}
SEED=${2:-20240601}
cd "$REPO"
dotnet build tests/MailFlowTools.Fuzz -c Release --nologo -v q -clp:ErrorsOnly >/dev/null
FUZZ=tests/MailFlowTools.Fuzz/bin/Release/net10.0/MailFlowTools.Fuzz.dll
echo "$(nproc) cores, $(dotnet --version) SDK, commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
status=0
for target in dns smtp; do
    echo "== $target"
    dotnet "$FUZZ" "$target" "$ITERATIONS" "$SEED" || status=$?
done
exit $status
