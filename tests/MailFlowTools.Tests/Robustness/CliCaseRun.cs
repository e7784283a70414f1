using System.Collections.Generic;
using System.Globalization;

namespace MailFlowTools.Tests.Robustness;

/// <summary>One CLI run against a (hostile or healthy) peer: what the table shows and what failed.</summary>
internal sealed record CliCaseRun(string Name, string Where, string Outcome, double? StageMs, double? RunMs, double ProcessMs, long PeakRssKib, List<string> Failures)
{
    public string[] Row(CliCaseRun baseline) => new[]
    {
        Name,
        Where,
        Outcome,
        StageMs is { } s ? MailflowChild.Ms(s) : "-",
        RunMs is { } r ? MailflowChild.Ms(r) : "-",
        MailflowChild.Ms(ProcessMs),
        MailflowChild.Mib(PeakRssKib),
        ReferenceEquals(this, baseline) ? "(baseline)" : ((PeakRssKib - baseline.PeakRssKib) / 1024.0).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture),
        Failures.Count == 0 ? "ok" : "FAIL",
    };
}
