#!/usr/bin/env bash
# Mutation testing of the pure analyzers with Stryker.NET 5.1.0 (concurrency 1, under nice -n 19), unit tests only:
# each analyzer is run against its own unit test classes (fakes, no lab, no CLI process, no benchmark or fuzz).
# The tests run from tests/bench/mutation/MailFlowTools.MutationTests, an xunit v2 shim that compiles those test
# files of tests/MailFlowTools.Tests: Stryker cannot capture coverage or activate mutants in xunit v3's
# out-of-process test host (stryker-net#3117, #3094, #3629), so a run against the v3 project kills nothing.
# A run fails (exit 1) when Stryker reports that coverage capture failed or when it killed no mutant.
# One Stryker run per analyzer, so each gets its own score and report and a slow one cannot hide the others.
# Paths in the config are relative to src/MailFlowTools.Core, where Stryker runs.
# Stryker's LINQ mutator also rewrites a List's Count property as `.Sum`, which does not compile; where it cannot place
# that error it drops every mutant of the method (safe mode, "compile error" in the report; see docs/robustness.md).
# Usage: bash tests/bench/mutation.sh [edns|cause|smtp|mtu|mxpath]...   (default: all, in that order)
# Reports: TestResults/mutation/<analyzer>/reports/mutation-report.{json,html}; summary line in <analyzer>.log
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export PATH=$PATH:$HOME/.dotnet/tools
command -v dotnet-stryker >/dev/null || dotnet tool install --global dotnet-stryker --version 5.1.0

declare -A scope=(
  [edns]='**/Dns/Reachability/EdnsReachabilityAnalyzer.cs'
  [cause]='**/Diagnosis/CauseAnalyzer.cs'
  # The session's pure analyzer, the one definition of each session finding, the refusal rule and the banner mask.
  [smtp]='**/Smtp/SmtpStageAnalyzer.cs **/Smtp/SmtpFindings.cs **/Smtp/RecipientRefusal.cs **/Smtp/BannerInspector.cs'
  [mtu]='**/PathMtu/MtuFindings.cs **/PathMtu/SweepAnalysis.cs'
  [mxpath]='**/MxPath/MxPathAnalyzer.cs'
)
declare -A tests=(
  [edns]='Dns.EdnsReachabilityAnalyzerTests Dns.EdnsReachabilityTests Dns.EdnsComplianceFindingTests Dns.EdnsTcpNeedTests Dns.EdnsAnalyzeFindingTests'
  [cause]='Diagnosis.CauseRankingTests Diagnosis.CauseVerdictDetailTests Diagnosis.MailFlowDiagnosisEngineTests'
  [smtp]='Smtp.SmtpStageAnalyzerTests Smtp.SmtpFindingWordingTests Smtp.BannerInspectorTests Smtp.BannerMaskThresholdTests Smtp.RecipientRefusedTests'
  [mtu]='PathMtu.OptionsAndFindingsTests PathMtu.MtuFindingWordingTests PathMtu.EnvelopeAndSweepTests PathMtu.SweepAnalysisSampleTests PathMtu.SweepVerdictEdgeTests PathMtu.BoundarySearchTests'
  [mxpath]='MxPath.MxPathEngineTests MxPath.MxPathFailoverWordingTests MxPath.MxPathRuleTests MxPath.MxPathAnalyzerRuleTests MxPath.MxPathVerdictEdgeTests MxPath.MxPathBatchTests MxPath.SmtpHopFoldTests'
)
names=("$@")
failed=()
[ ${#names[@]} -gt 0 ] || names=(edns cause smtp mtu mxpath)

# Stryker builds the test project and swaps a mutated MailFlowTools.Core.dll into its bin folder, so it works on
# a copy of the sources: the tree's own build and test runs stay untouched while it runs.
work=$(mktemp -d /tmp/mailflow-mutation.XXXXXX)
trap 'rm -rf "$work"' EXIT
tar -C "$repo" --exclude=.git --exclude=bin --exclude=obj --exclude=TestResults --exclude=node_modules \
  --exclude=./out --exclude=tests/bench/work -cf - . | tar -C "$work" -xf -
cd "$work/src/MailFlowTools.Core"
for name in "${names[@]}"; do
  [ -n "${scope[$name]:-}" ] || { echo "unknown analyzer '$name' (edns cause smtp mtu mxpath)" >&2; exit 2; }
  mutate=()
  for glob in ${scope[$name]}; do mutate+=(--mutate "$glob"); done
  filter=''
  for class in ${tests[$name]}; do filter+="${filter:+|}FullyQualifiedName~MailFlowTools.Tests.$class"; done
  out="$repo/TestResults/mutation/$name"
  rm -rf "$out"; mkdir -p "$out"
  echo "== $name: ${scope[$name]} ($(date -u +%FT%TZ)); tests: ${tests[$name]}"
  start=$SECONDS
  # --disable-bail: a killed mutant's test run finishes instead of being aborted, which would restart the test host.
  nice -n 19 dotnet-stryker --config-file "$work/tests/bench/mutation/stryker-config.json" "${mutate[@]}" \
    --test-case-filter "$filter" --disable-bail --output "$out" >"$out.log" 2>&1 || true
  echo "== $name took $((SECONDS - start)) s; $(grep -E 'final mutation score' "$out.log" | tail -1)"
  # A vacuous run (no test saw a mutant) must never pass for a score.
  report="$out/reports/mutation-report.json"
  if grep -qi 'coverage capture failed' "$out.log"; then
    echo "== $name FAILED: Stryker could not capture test coverage (see $out.log); the score is not a measurement" >&2
    failed+=("$name"); continue
  fi
  killed=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sum(m["status"]=="Killed" for f in d["files"].values() for m in f["mutants"]))' "$report" 2>/dev/null || echo none)
  if [ "$killed" = none ] || [ "$killed" -eq 0 ]; then
    echo "== $name FAILED: no mutant killed (report: ${killed/none/missing}); the tests never ran against a mutant (see $out.log)" >&2
    failed+=("$name"); continue
  fi
  echo "== $name: $killed mutants killed"
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "mutation testing FAILED for: ${failed[*]}" >&2
  exit 1
fi
