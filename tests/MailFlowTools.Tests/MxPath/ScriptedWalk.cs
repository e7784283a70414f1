using System;
using System.Collections.Generic;
using System.Linq;
using MailFlowTools.Core.Findings;
using MailFlowTools.Core.MxPath;

namespace MailFlowTools.Tests.MxPath;

/// <summary>Made-up walks handed straight to the pure analyzer, for rules the engine's fakes cannot reach.</summary>
internal static class ScriptedWalk
{
    /// <summary>A hop that ended with <paramref name="outcome"/>: timings only where that outcome got so far.</summary>
    public static HopProbeResult Hop(MxHopOutcome outcome, string? banner = null, params Finding[] findings) => new HopProbeResult
    {
        Outcome = outcome,
        ConnectMs = outcome is MxHopOutcome.ConnectRefused or MxHopOutcome.ConnectTimeout or MxHopOutcome.Unreachable ? null : 0.5,
        BannerMs = outcome is MxHopOutcome.Ok or MxHopOutcome.TlsFailed or MxHopOutcome.BannerRejected ? 1.5 : null,
        Banner = banner ?? (outcome == MxHopOutcome.Ok ? "220 mx.example ESMTP" : null),
        Detail = outcome == MxHopOutcome.Ok ? null : "scripted " + outcome,
        ElapsedMs = 2,
    }.WithFindings(findings);

    public static MxPathResult Analyze(string domain, MxPathTarget[] targets, MxPathOptions options, params (string Address, HopProbeResult Result)[] results) =>
        Analyze(domain, targets, options, Array.Empty<PortControlCheck>(), results);

    /// <summary>The walk as the engine hands it over: one plan per address in sender order, a result where a hop ran.</summary>
    public static MxPathResult Analyze(string domain, MxPathTarget[] targets, MxPathOptions options, IReadOnlyList<PortControlCheck> checks, params (string Address, HopProbeResult Result)[] results)
    {
        var resolution = new MxPathResolution { Source = MxPathSource.Mx, Targets = targets, DnsServer = "198.51.100.56", ElapsedMs = 1 };
        var plans = MxHopPlanner.Plan(resolution, options.AddressFamily);
        var byAddress = results.ToDictionary(x => x.Address, x => x.Result);
        var walk = plans.Select(p => byAddress.TryGetValue(p.Address.ToString(), out var hop) ? hop : null).ToArray();
        Assert.Equal(results.Length, walk.Count(h => h is not null));
        return MxPathAnalyzer.Analyze(domain, options, resolution, plans, walk, checks, 10);
    }
}
