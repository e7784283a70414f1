#!/usr/bin/env bash
# The whole test suite: installs what the tests need when missing, builds, then runs xunit
# (unit, module surface, PowerShell syntax, and lab integration tests when run as root).
# Usage: bash tests/run.sh [extra dotnet test arguments]
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
start=$SECONDS

if [ "$(id -u)" = 0 ]; then
  # The lab's Debian packages (installed with their services kept from starting); the lab fixture brings it up.
  bash tests/lab/lab.sh install
  # util-linux's setpriv runs the CLI without CAP_NET_RAW in the unprivileged ICMP tests (skipped without it).
  if ! [ -x /usr/bin/setpriv ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq util-linux >/dev/null || echo "util-linux (setpriv) could not be installed; the unprivileged ICMP tests will be skipped." >&2
  fi
  # Headless Chromium renders Debug-MailFlow's HTML report in the report tests (skipped without it).
  if ! command -v chromium >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null || echo "chromium could not be installed; the report rendering tests will be skipped." >&2
  fi
fi

dotnet build MailFlowTools.slnx -c Release --nologo -v q -clp:ErrorsOnly

# The native mailflow (Native AOT, linux-x64; the compiler links with clang and zlib): the CLI tests run it
# through MAILFLOW_CLI, so they test what users run; the parity tests compare it with the IL build.
if [ "$(id -u)" = 0 ] && ! { command -v clang >/dev/null && [ -e /usr/include/zlib.h ]; }; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang zlib1g-dev >/dev/null
fi
native_start=$SECONDS
dotnet publish src/MailFlowTools.Cli -c Release -r linux-x64 -p:PublishAot=true -o out/native --nologo -v q \
  >/tmp/mailflow-build-native.log 2>&1 || { cat /tmp/mailflow-build-native.log >&2; echo "The native mailflow did not build." >&2; exit 1; }
# A trim or AOT warning means code the native build may get wrong: it fails the suite like a compiler warning.
if grep -E "warning (IL|NETSDK)[0-9]+" /tmp/mailflow-build-native.log >&2; then echo "The native mailflow built with warnings." >&2; exit 1; fi
export MAILFLOW_CLI="$repo/out/native/mailflow"
echo "Native mailflow built in $((SECONDS - native_start)) s: $MAILFLOW_CLI"

# PowerShell 7.6.10 and Pester 5.7.1 and 6.2.0 (from NuGet), then the module laid out in out/MailFlowTools.
pester_start=$SECONDS
bash tests/Pester/setup.sh
source <(bash tests/Pester/setup.sh --env)
pwsh -NoProfile -NonInteractive -File build.ps1 -Configuration Release -ModuleOnly >/tmp/mailflow-build-module.log 2>&1 ||
  { cat /tmp/mailflow-build-module.log >&2; echo "build.ps1 failed." >&2; exit 1; }
pester_setup_seconds=$((SECONDS - pester_start))

# No delivery: tests that deliver on purpose (--deliver, the swaks and probe self-tests) write each message they
# delivered to this ledger (queue ID, recipient, test); after the suite, the messages Postfix delivered and queued
# meanwhile must be exactly those, message by message.
ledger=$(mktemp /tmp/mailflow-deliveries.XXXXXX)
sent0=$(mktemp /tmp/mailflow-sent0.XXXXXX)
queued0=$(mktemp /tmp/mailflow-queued0.XXXXXX)
trx_dir=$(mktemp -d /tmp/mailflow-trx.XXXXXX)
export MAILFLOW_DELIVERY_LEDGER=$ledger
lab=tests/lab/lab.sh
own_lab=0
count_deliveries=0
finish() {
  rm -rf "$ledger" "$sent0" "$queued0" "$trx_dir"
  if [ "$own_lab" = 1 ]; then bash "$lab" down >/dev/null 2>&1 || true; fi
}
trap finish EXIT
if [ "$(id -u)" = 0 ]; then
  # Up before the tests (the lab fixture leaves a lab it finds up), so Postfix's log spans the whole suite.
  if bash "$lab" status -q >/dev/null 2>&1 || { bash "$lab" up >/dev/null && own_lab=1; }; then
    count_deliveries=1
    bash "$lab" deliveries >"$sent0"
    bash "$lab" deliveries --queued >"$queued0"
  else
    echo "The lab did not come up here; the lab tests will say why, and the no-delivery check fails." >&2
    count_deliveries=unavailable
  fi
fi

# The hostile-peer and cancellation tests write their measured table here; it is printed at the end.
export MAILFLOW_TEST_RESULTS="$repo/TestResults"
rm -f "$MAILFLOW_TEST_RESULTS/robustness.md"
rc=0
dotnet test tests/MailFlowTools.Tests -c Release --no-build --nologo \
  --logger "console;verbosity=normal" --logger "trx;LogFileName=$trx_dir/xunit.trx" \
  --filter "Category!=Fuzz&Category!=Benchmark" "$@" | tee /tmp/mailflow-test.log || rc=$?

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
  while IFS= read -r line; do pester_tallies+=("$line"); done < <(grep -E '^Pester [0-9.]+ failed: ' "$log" | head -20 || true)
  if [ "$prc" != 0 ] || [ -z "$tally" ]; then rc=1; fi
  # Inside the lab every Pester test runs: a skip there means the lab was not reachable, which is a failure.
  skipped=$(sed -nE 's/^Pester [0-9.]+: .* ([0-9]+) skipped$/\1/p' <<<"$tally")
  if [ ${#in_client[@]} -gt 0 ] && [ "${skipped:-0}" != 0 ]; then
    echo "FAIL: $skipped Pester test(s) skipped inside the lab's client namespace." >&2
    rc=1
  fi
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

if [ "$count_deliveries" = unavailable ]; then
  echo "FAIL: no-delivery check: the lab was not up, so Postfix's log could not be read." >&2
  rc=1
elif [ "$count_deliveries" = 1 ] && ! bash "$lab" status -q >/dev/null 2>&1; then
  echo "FAIL: no-delivery check: the lab is down at the end of the suite, so Postfix's log cannot be read." >&2
  rc=1
elif [ "$count_deliveries" = 1 ]; then
  # Postfix logs a delivery a moment after it accepts the message: wait until nothing is in flight.
  quiet=0
  for _ in $(seq 75); do
    if [ -z "$(bash "$lab" deliveries --pending)" ]; then quiet=$((quiet + 1)); else quiet=0; fi
    [ "$quiet" -ge 2 ] && break
    sleep 0.2
  done
  lines() { sed '/^$/d' | LC_ALL=C sort -u; } # comm needs one byte order on both sides
  sent=$(LC_ALL=C comm -13 <(lines <"$sent0") <(bash "$lab" deliveries | lines))
  queued=$(LC_ALL=C comm -13 <(lines <"$queued0") <(bash "$lab" deliveries --queued | lines))
  intended=$(cut -f1,2 "$ledger" | lines)
  accidental=$(LC_ALL=C comm -13 <(printf '%s\n' "$intended" | lines) <(printf '%s\n' "$sent" | lines))
  missing=$(LC_ALL=C comm -23 <(printf '%s\n' "$intended" | lines) <(printf '%s\n' "$sent" | lines))
  accidental_queued=$(LC_ALL=C comm -13 <(cut -f1 "$ledger" | lines) <(printf '%s\n' "$queued" | lines))
  count() { printf '%s\n' "$1" | sed '/^$/d' | wc -l; }
  echo "No delivery: during the suite Postfix delivered $(count "$sent") message-recipient(s) and queued $(count "$queued") message(s); the tests that deliver on purpose recorded $(count "$intended"):"
  sort -t "$(printf '\t')" -k3 "$ledger" | awk -F'\t' '{ printf "  %s  %s  %s\n", $1, $2, $3 }'
  if [ -n "$accidental" ] || [ -n "$missing" ] || [ -n "$accidental_queued" ]; then
    [ -z "$accidental" ] || printf 'FAIL: delivered without being recorded by a test (queue ID, recipient):\n%s\n' "$accidental" | sed '2,$s/^/  /' >&2
    [ -z "$accidental_queued" ] || printf 'FAIL: queued without being recorded by a test (queue ID):\n%s\n' "$accidental_queued" | sed '2,$s/^/  /' >&2
    [ -z "$missing" ] || printf 'FAIL: recorded by a test but not delivered during the suite (queue ID, recipient):\n%s\n' "$missing" | sed '2,$s/^/  /' >&2
    echo "FAIL: the no-delivery check (Postfix log: /run/mfl/postfix.log; lab.sh deliveries)." >&2
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
# Every skipped test with its reason, from the TRX (opt-in benchmarks and fuzzing are filtered out above).
if [ -f "$trx_dir/xunit.trx" ]; then
  python3 - "$trx_dir/xunit.trx" <<'PY'
import sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
root = ET.parse(sys.argv[1]).getroot()
c = root.find(".//t:ResultSummary/t:Counters", ns)
if c is not None:
    print(f"xunit: {c.get('total')} tests, {c.get('passed')} passed, {c.get('failed')} failed")
skipped = []
for r in root.iterfind(".//t:UnitTestResult", ns):
    if r.get("outcome") == "NotExecuted":
        message = r.find("t:Output/t:ErrorInfo/t:Message", ns)
        skipped.append((r.get("testName"), (message.text or "").strip() if message is not None else "(no reason given)"))
print(f"xunit skipped: {len(skipped)}")
for name, reason in sorted(skipped):
    print(f"  {name}: {reason}")
# The failures by name and first line, so the suite's last lines say what failed.
failed = []
for r in root.iterfind(".//t:UnitTestResult", ns):
    if r.get("outcome") == "Failed":
        message = r.find("t:Output/t:ErrorInfo/t:Message", ns)
        # The first lines carry xunit's expected/actual values, which the first line alone leaves out.
        lines = (message.text or "").strip().splitlines()[:4] if message is not None and message.text else []
        first = " | ".join(line.strip() for line in lines)
        failed.append((r.get("testName"), first[:600]))
for name, first in sorted(failed):
    print(f"xunit failed: {name}: {first}")
PY
else
  echo "xunit skipped: unknown (no TRX was written)"
fi
[ "$xunit_rc" = 0 ] || echo "xunit: exit code $xunit_rc"
printf '%s\n' "${pester_tallies[@]}"
echo "PowerShell set-up and module build took ${pester_setup_seconds} s; the Pester runs took ${pester_seconds} s."
echo "Test suite finished in $((SECONDS - start)) s."
exit "$rc"
