using System;
using System.Collections.Generic;
using System.Linq;
using MailFlowTools.Core.Findings;
using MailFlowTools.Core.TlsPolicy;

namespace MailFlowTools.Core.MxPath;

/// <summary>The TLS-policy part of one walk: the discovery, each hop's verdict, and the conclusion drawn from them.</summary>
internal sealed class TlsPolicyEvaluation
{
    public TlsPolicyEvaluation(TlsPolicyDiscovery discovery, IReadOnlyList<HopTlsResult?> hops)
    {
        Discovery = discovery;
        Hops = hops;
    }

    public TlsPolicyDiscovery Discovery { get; }

    /// <summary>Per plan index, like the walk's results.</summary>
    public IReadOnlyList<HopTlsResult?> Hops { get; }

    public static TlsPolicyEvaluation Evaluate(TlsPolicyDiscovery discovery, IReadOnlyList<MxHopPlan> plans, IReadOnlyList<HopProbeResult?> results, TlsPolicyOptions options, DateTimeOffset now) =>
        new(discovery, plans.Select((p, i) => TlsHopEvaluator.Evaluate(p.Target.Exchange, p.Address.ToString(), results[i], discovery, options.TrustedRoots, now)).ToArray());

    public TlsPolicyResult Conclude(string domain, MxPathResolution resolution, IReadOnlyList<MxPathHop> hops, MxPathHop? selected, List<Finding> findings)
    {
        var plain = SenderVerdicts.Plain(hops, selected);
        var sts = SenderVerdicts.MtaSts(hops, selected, Discovery);
        var dane = SenderVerdicts.Dane(hops, selected, Discovery);
        var exchanges = resolution.Targets.Where(t => !t.IsAddressLiteral).Select(t => t.Exchange).ToList();
        findings.AddRange(TlsPolicyFindings.Build(domain, Discovery, hops, exchanges, sts, dane));
        return new TlsPolicyResult
        {
            MtaSts = Discovery.MtaSts,
            Dane = Discovery.Dane.ToArray(),
            MtaStsSender = sts,
            DaneSender = dane,
            PlainSender = plain,
            Resolver = Discovery.Resolver,
        };
    }

    /// <summary>A sentence for the summary when a policy sender does something a plain sender does not.</summary>
    public static string SummaryAddition(TlsPolicyResult r)
    {
        var parts = new List<string>();
        foreach (var v in new[] { r.MtaStsSender, r.DaneSender })
        {
            if (v.Delivers == r.PlainSender.Delivers && string.Equals(v.Address, r.PlainSender.Address, StringComparison.Ordinal))
            {
                continue;
            }

            var who = v.Sender == SenderKind.MtaSts ? "An MTA-STS sender" : "A DANE sender";
            parts.Add(v.Delivers ? who + " delivers through " + v.Exchange + " [" + v.Address + "] instead." : who + " does not deliver (" + (v.SenderStatus ?? v.Reason) + ").");
        }

        return parts.Count == 0 ? string.Empty : " " + string.Join(" ", parts);
    }
}
