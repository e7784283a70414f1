using System;
using System.Collections.Generic;

namespace MailFlowTools.Tests.Robustness;

/// <summary>The bounds the CLI hostile-peer runs are held to, besides the timeout + 10 %.</summary>
internal static class HostilePeerLimits
{
    /// <summary>
    /// Process start-up (runtime, JIT), JSON output and exit, on top of the timeout + 10 %: a healthy run takes
    /// about 300 ms on an idle two-core machine; the rest absorbs a busy CI machine.
    /// </summary>
    public const double StartupAllowanceMs = 1500;

    /// <summary>
    /// On a loaded machine start-up alone can pass the fixed allowance; the allowance then grows to this many
    /// times the healthy run's own start-up and exit, measured in the same run.
    /// </summary>
    public const double StartupAllowanceOverBaseline = 3;

    /// <summary>
    /// Peak resident set allowed above the healthy-peer run of the same command. Smaller than the 10 MB line, so
    /// a client that buffered a whole hostile line, or a flood, fails it.
    /// </summary>
    public const long MemoryCapAboveBaselineKib = 8 * 1024;

    /// <summary>
    /// Runs the healthy case twice (the first warms the test process's fake server, so the second, the baseline,
    /// measures the CLI), then every case; writes the table to the results file and returns every bound broken.
    /// </summary>
    public static IReadOnlyList<string> MeasureTable<TCase>(TCase healthy, IEnumerable<TCase> cases, Func<TCase, CliCaseRun> run, double timeoutMs, int order, string heading, string[] columns)
    {
        run(healthy);
        var baseline = run(healthy);
        var allowanceMs = Math.Max(StartupAllowanceMs, StartupAllowanceOverBaseline * Math.Max(0, baseline.ProcessMs - (baseline.RunMs ?? 0)));
        baseline.Failures.AddRange(CheckProcessTime(baseline, timeoutMs, allowanceMs));
        var rows = new List<string[]> { baseline.Row(baseline) };
        var failures = new List<string>(baseline.Failures);
        foreach (var c in cases)
        {
            var result = run(c);
            result.Failures.AddRange(CheckProcessTime(result, timeoutMs, allowanceMs));
            rows.Add(result.Row(baseline));
            failures.AddRange(result.Failures);
            failures.AddRange(CheckMemory(result, baseline));
        }

        RobustnessReport.Write(order, heading + FormattableString.Invariant($" Start-up allowance in this run: {allowanceMs:0} ms.") + "\n\n" + RobustnessReport.Table(columns, rows));
        return failures;
    }

    /// <summary>The bounds paragraph both tables share, after the command line.</summary>
    public static string BoundsText(double timeoutMs, string outcome) => FormattableString.Invariant(
        $"Bounds: {outcome} (exit 0 or 1, JSON parsed), ≤ timeout + 10 % = {timeoutMs * 1.1:0} ms, process time (spawn to exit) ≤ that + a start-up allowance of {StartupAllowanceMs:0} ms, or {StartupAllowanceOverBaseline:0} × the healthy run's own start-up and exit when that is more (a loaded machine), peak RSS (the child process's VmHWM, sampled every 1–2 ms: the whole process, runtime included) ≤ healthy run + {MailflowChild.Mib(MemoryCapAboveBaselineKib)} MiB.");

    /// <summary>Spawn to exit within the timeout + 10 % and the start-up allowance of this run.</summary>
    public static IEnumerable<string> CheckProcessTime(CliCaseRun run, double timeoutMs, double allowanceMs)
    {
        if (run.ProcessMs > (timeoutMs * 1.1) + allowanceMs)
        {
            yield return FormattableString.Invariant($"{run.Where} {run.Name}: the process took {run.ProcessMs:0} ms, over {timeoutMs * 1.1:0} ms + {allowanceMs:0} ms start-up allowance");
        }
    }

    public static IEnumerable<string> CheckMemory(CliCaseRun run, CliCaseRun baseline)
    {
        if (run.PeakRssKib <= 0 || baseline.PeakRssKib <= 0)
        {
            yield return $"{run.Where} {run.Name}: the peak memory was not measured";
        }

        if (run.PeakRssKib > baseline.PeakRssKib + MemoryCapAboveBaselineKib)
        {
            yield return $"{run.Where} {run.Name}: peak RSS {MailflowChild.Mib(run.PeakRssKib)} MiB, more than {MailflowChild.Mib(MemoryCapAboveBaselineKib)} MiB above the healthy run's {MailflowChild.Mib(baseline.PeakRssKib)} MiB";
        }
    }
}
