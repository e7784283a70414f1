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
    /// Peak resident set allowed above the healthy-peer run of the same command. Smaller than the 10 MB line, so
    /// a client that buffered a whole hostile line, or a flood, fails it.
    /// </summary>
    public const long MemoryCapAboveBaselineKib = 8 * 1024;

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
