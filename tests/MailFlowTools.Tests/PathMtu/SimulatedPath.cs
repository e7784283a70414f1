using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.PathMtu;

namespace MailFlowTools.Tests.PathMtu;

/// <summary>A path in memory: what each probe of a round would meet, without a network.</summary>
internal sealed class SimulatedPath
{
    private readonly HashSet<(int Size, int Attempt)> _dropped = new();

    public int Mtu { get; init; } = 1400;

    public int LocalMtu { get; init; } = 1500;

    /// <summary>False for a black hole: oversize probes vanish without an error.</summary>
    public bool SendsTooBig { get; init; }

    /// <summary>ICMP echo is filtered: nothing ever comes back.</summary>
    public bool Silent { get; init; }

    /// <summary>Sizes that are always lost although they fit (size-specific loss).</summary>
    public int[] AlwaysLost { get; init; } = Array.Empty<int>();

    /// <summary>TCP: segments are capped at this packet size by the peer's MSS or a cached route MTU.</summary>
    public int? Cap { get; init; }

    public MtuProbeMethod Method { get; init; } = MtuProbeMethod.Icmp;

    public List<IReadOnlyList<ProbeRequest>> Rounds { get; } = new();

    /// <summary>Lose this attempt of this size once (random loss).</summary>
    public SimulatedPath Drop(int size, int attempt)
    {
        _dropped.Add((size, attempt));
        return this;
    }

    public Task<IReadOnlyList<MtuProbeAttempt>> RunRoundAsync(IReadOnlyList<ProbeRequest> requests, CancellationToken cancellationToken)
    {
        Rounds.Add(requests);
        IReadOnlyList<MtuProbeAttempt> result = requests.Select(Probe).ToList();
        return Task.FromResult(result);
    }

    private MtuProbeAttempt Probe(ProbeRequest r)
    {
        var size = Cap is { } cap && r.Size > cap ? cap : r.Size;
        MtuProbeOutcome outcome;
        int? reported = null;
        if (size > LocalMtu)
        {
            outcome = MtuProbeOutcome.LocalTooBig;
        }
        else if (Silent || _dropped.Contains((r.Size, r.Attempt)) || AlwaysLost.Contains(size))
        {
            outcome = MtuProbeOutcome.Lost;
        }
        else if (size > Mtu)
        {
            outcome = SendsTooBig ? MtuProbeOutcome.TooBig : MtuProbeOutcome.Lost;
            reported = SendsTooBig ? Mtu : null;
        }
        else
        {
            outcome = MtuProbeOutcome.Passed;
        }

        return new MtuProbeAttempt
        {
            Method = Method,
            Round = r.Round,
            Size = size,
            RequestedSize = r.Size,
            Attempt = r.Attempt,
            Outcome = outcome,
            ReportedMtu = reported,
            ReportedBy = reported is null ? null : "192.0.2.1",
        };
    }
}
