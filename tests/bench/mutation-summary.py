#!/usr/bin/env python3
"""Prints the mutation score and every surviving (or uncovered) mutant of each Stryker run of tests/bench/mutation.sh.

    python3 tests/bench/mutation-summary.py [TestResults/mutation]

Score as Stryker counts it: (killed + timeout) / (killed + timeout + survived + no coverage); compile errors and
ignored mutants are left out.
"""
import glob
import json
import os
import sys

root = sys.argv[1] if len(sys.argv) > 1 else "TestResults/mutation"
for report in sorted(glob.glob(os.path.join(root, "*", "reports", "mutation-report.json"))):
    name = report.split(os.sep)[-3]
    data = json.load(open(report))
    for path, entry in sorted(data["files"].items()):
        counts = {}
        for m in entry["mutants"]:
            counts[m["status"]] = counts.get(m["status"], 0) + 1
        detected = counts.get("Killed", 0) + counts.get("Timeout", 0)
        undetected = counts.get("Survived", 0) + counts.get("NoCoverage", 0)
        if detected + undetected == 0:
            continue
        lines = entry["source"].splitlines()
        print(f"{name}: {os.path.basename(path)}: {100.0 * detected / (detected + undetected):.1f}% "
              f"(killed {counts.get('Killed', 0)}, timeout {counts.get('Timeout', 0)}, survived {counts.get('Survived', 0)}, "
              f"no coverage {counts.get('NoCoverage', 0)}, compile error {counts.get('CompileError', 0)})")
        for m in sorted(entry["mutants"], key=lambda m: (m["location"]["start"]["line"], m["location"]["start"]["column"])):
            if m["status"] in ("Survived", "NoCoverage"):
                line = m["location"]["start"]["line"]
                print(f"  {m['status']:10} line {line}: {m['mutatorName']}: {m.get('replacement', '')!r}  | {lines[line - 1].strip()[:110]}")
