using System.Collections.Generic;
using System.Linq;

namespace MailFlowTools.Core.PathMtu;

/// <summary>Reads the sweep's attempts: which sizes always fail, which fail only sometimes, and whether the failures are non-monotonic.</summary>
internal sealed class SweepAnalysis
{
    public PayloadSweepEntry[] Entries { get; private set; } = System.Array.Empty<PayloadSweepEntry>();

    /// <summary>Sizes that failed on every attempt that ran.</summary>
    public int[] Failing { get; private set; } = System.Array.Empty<int>();

    public int[] Intermittent { get; private set; } = System.Array.Empty<int>();

    public int[] Passing { get; private set; } = System.Array.Empty<int>();

    /// <summary>Sizes no attempt measured (failed before the write, or ended by a server limit): Inconclusive, never passed.</summary>
    public int[] NotRun { get; private set; } = System.Array.Empty<int>();

    /// <summary>At least one session was ended by a server limit (the server was reached; it refused to go on).</summary>
    public bool ServerLimited { get; private set; }

    /// <summary>A failing size lies below a passing one: loss of particular sizes, not an MTU limit.</summary>
    public bool NonMonotonic { get; private set; }

    /// <summary>When failures are monotonic, the smallest failing size (every larger tested size failed too).</summary>
    public int? FailingFrom { get; private set; }

    public static SweepAnalysis From(IEnumerable<SweepAttemptResult> attempts)
    {
        attempts = attempts.ToList();
        var entries = new List<PayloadSweepEntry>();
        foreach (var group in attempts.GroupBy(a => a.PayloadSize).OrderBy(g => g.Key))
        {
            var ran = group.Where(a => !a.CouldNotRun).ToList();
            var failures = ran.Count(a => !a.Completed);
            var passed = ran.Count(a => a.Completed);
            var sample = ran.LastOrDefault(a => !a.Completed) ?? ran.FirstOrDefault(a => a.Completed) ?? group.Last();
            var outcome = ran.Count == 0 ? SweepOutcome.Inconclusive
                : passed == 0 ? SweepOutcome.Lost
                : failures > 0 ? SweepOutcome.Intermittent
                : SweepOutcome.Passed;
            entries.Add(new PayloadSweepEntry
            {
                PayloadSize = group.Key,
                Attempts = ran.Count,
                Failures = failures,
                Failed = ran.Count > 0 && passed == 0,
                Intermittent = failures > 0 && passed > 0,
                Commands = group.First().Commands,
                RepliesReceived = sample.RepliesReceived,
                ReplyMs = ran.FirstOrDefault(a => a.Completed)?.ReplyMs,
                Detail = sample.Detail,
                Outcome = outcome,
                Method = sample.Method,
            });
        }

        var analysis = new SweepAnalysis
        {
            Entries = entries.ToArray(),
            Failing = entries.Where(e => e.Failed).Select(e => e.PayloadSize).ToArray(),
            Intermittent = entries.Where(e => e.Intermittent).Select(e => e.PayloadSize).ToArray(),
            Passing = entries.Where(e => e.Attempts > 0 && !e.Failed).Select(e => e.PayloadSize).ToArray(),
            NotRun = entries.Where(e => e.Attempts == 0).Select(e => e.PayloadSize).ToArray(),
            ServerLimited = attempts.Any(a => a.ServerLimit),
        };

        if (analysis.Failing.Length > 0)
        {
            var smallestFailing = analysis.Failing.Min();
            analysis.NonMonotonic = analysis.Passing.Any(p => p > smallestFailing);
            if (!analysis.NonMonotonic)
            {
                analysis.FailingFrom = smallestFailing;
            }
        }

        return analysis;
    }
}
